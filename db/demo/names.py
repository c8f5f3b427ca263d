"""Word lists for the demo trust: people, places and school names.

Everything is invented.  School names are built from made-up place names so
that no demo school shares its name with a real one, and the five app users'
names are kept out of the random pool so that a search for them finds one
person.
"""

from __future__ import annotations

TRUST_NAME = "Oakfield Learning Trust"
TRUST_UID = "TR09471"
TRUST_SHORT = "OLT"
EMAIL_DOMAIN = "oakfield-trust.example"

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Abigail", "Adam", "Aisha", "Alan", "Alice", "Amara", "Amelia", "Amir", "Amy",
    "Andrew", "Angela", "Anna", "Arjun", "Ava", "Barbara", "Ben", "Bethany", "Callum", "Carl",
    "Caroline", "Catherine", "Charlotte", "Chloe", "Claire", "Connor", "Craig", "Daniel", "Danielle", "David",
    "Deborah", "Declan", "Eleanor", "Elizabeth", "Ella", "Emily", "Emma", "Ethan", "Fatima", "Fiona",
    "Freya", "Gareth", "Gemma", "George", "Grace", "Graham", "Hannah", "Harriet", "Harry", "Hassan",
    "Helen", "Holly", "Imran", "Isaac", "Isla", "Jack", "Jade", "James", "Jasmine", "Jennifer",
    "Jessica", "Joanne", "Joel", "Jonathan", "Joseph", "Joshua", "Julie", "Karen", "Kate", "Katie",
    "Kieran", "Laura", "Lauren", "Leah", "Liam", "Lily", "Louise", "Lucy", "Luke", "Maria",
    "Mark", "Martin", "Matthew", "Megan", "Michael", "Michelle", "Mohammed", "Molly", "Naomi", "Natalie",
    "Nathan", "Neil", "Nicola", "Niamh", "Noah", "Oliver", "Olivia", "Owen", "Paul", "Peter",
    "Philippa", "Priya", "Rachel", "Rebecca", "Rhys", "Richard", "Robert", "Rosie", "Ruth", "Ryan",
    "Samuel", "Sarah", "Sean", "Shabnam", "Sophie", "Stephen", "Stuart", "Susan", "Tariq", "Thomas",
    "Tom", "Usman", "Victoria", "William", "Yasmin", "Zainab", "Zara", "Zoe",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Ahmed", "Ali", "Allen", "Anderson", "Armstrong", "Atkinson", "Bailey", "Baker", "Barker", "Barnes",
    "Bell", "Bennett", "Bibi", "Booth", "Bradley", "Brooks", "Brown", "Butler", "Campbell", "Carter",
    "Chapman", "Clarke", "Coleman", "Collins", "Cook", "Cooper", "Cox", "Davies", "Dawson", "Dixon",
    "Edwards", "Ellis", "Evans", "Fisher", "Fletcher", "Foster", "Fox", "Gibson", "Graham", "Grant",
    "Gray", "Green", "Griffiths", "Hall", "Harris", "Harrison", "Hart", "Hayes", "Hill", "Holmes",
    "Hughes", "Hunt", "Hussain", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur", "Kelly",
    "Kennedy", "Khan", "King", "Knight", "Lane", "Lawrence", "Lewis", "Lloyd", "Marshall", "Martin",
    "Mason", "Matthews", "Miller", "Mills", "Mitchell", "Moore", "Morris", "Murphy", "Murray", "Nelson",
    "Newman", "Nolan", "Nwosu", "O'Brien", "Okafor", "Owen", "Palmer", "Parker", "Parry", "Pearson",
    "Phillips", "Powell", "Price", "Rahman", "Reid", "Reynolds", "Richards", "Roberts", "Robinson", "Rogers",
    "Russell", "Saunders", "Scott", "Shah", "Sharma", "Shaw", "Simpson", "Singh", "Smith", "Stevens",
    "Stewart", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Walsh", "Ward", "Watson", "Webb",
    "Wells", "West", "White", "Wilkinson", "Williams", "Wilson", "Wood", "Wright", "Young", "Zhang",
)  # fmt: skip

# The app users' own names (first, last); never drawn at random.
RESERVED_NAMES: frozenset[tuple[str, str]] = frozenset(
    {("Alex", "Morgan"), ("Sam", "Patel"), ("Jo", "Evans"), ("Chris", "Lee"), ("Pat", "Kim")}
)

# Invented place names: prefix + suffix ("Wrenbrook", "Hazelmead").
PLACE_PREFIXES: tuple[str, ...] = (
    "Ash", "Bramble", "Cinder", "Elder", "Fern", "Hazel", "Kestrel", "Lark", "Maple", "Rowan",
    "Sorrel", "Thistle", "Willow", "Wren", "Heron", "Juniper", "Linden", "Marsh", "Quarry", "Rook",
    "Sedge", "Tansy", "Yarrow", "Birch", "Clover", "Dunnock", "Finch", "Gorse", "Holly", "Ivy",
)  # fmt: skip
PLACE_SUFFIXES: tuple[str, ...] = (
    "brook", "combe", "ley", "mead", "hurst", "wick", "stead", "thorpe", "ford", "dale", "well", "bury",
)  # fmt: skip

SCHOOL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "Primary": ("Primary School", "Primary Academy", "Church of England Primary School", "Infant and Junior School"),
    "Secondary": ("Academy", "High School", "School", "College"),
    "All-through": ("All-Through School", "All-Through Academy"),
    "Special": ("School", "Specialist Academy"),
    "Nursery": ("Nursery School", "Early Years Centre"),
}

CLUSTERS: tuple[str, ...] = ("North Vale cluster", "Riverside cluster", "Moorland cluster", "Town centre cluster")

EXPERTISE: tuple[str, ...] = (
    "Early reading and phonics",
    "Maths mastery",
    "Inclusion and SEND",
    "Behaviour and attendance",
    "Oracy",
    "Curriculum design",
    "Early career teacher mentoring",
    "Assessment and feedback",
    "Science practical work",
    "Modern foreign languages",
    "Outdoor learning",
    "Disadvantaged pupils",
    "Autism specialist provision",
    "Sixth form and post-16",
)


def school_name(place: str, phase: str, variant: int) -> str:
    """A school's name from its invented place and its phase."""
    suffixes = SCHOOL_SUFFIXES[phase]
    return f"{place} {suffixes[variant % len(suffixes)]}"


def email_local(first: str, last: str) -> str:
    """``firstname.lastname`` with anything but letters dropped (``O'Brien`` -> ``obrien``)."""
    clean = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalpha() or ch == ".")
    return clean
