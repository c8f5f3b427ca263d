"""The e-mail texts: Jinja2 templates, plain text and HTML, in British English.

Kept here as strings (not files) so the Windows build carries them without a data-files entry.
The HTML environment escapes every value (autoescape): a name or a reason is shown, never run.
"""

from __future__ import annotations

from functools import cache

from jinja2 import DictLoader, Environment, StrictUndefined, Template, select_autoescape

DIGEST_TEXT = """\
Dear {{ name }},

{% if items|length == 1 -%}
{{ intro_one }}
{%- else -%}
{{ intro_many }}
{%- endif %}
{% for item in items %}
* {{ item.subject }}
{%- if item.activity %}
  {{ item.activity.dates }}{% if item.activity.cost %} · {{ item.activity.cost }}{% endif %}
{%- endif %}
{%- if item.body %}
  {{ item.body | replace("\\n", "\\n  ") }}
{%- endif %}
{% endfor %}
{%- if calendar %}
The attached calendar file adds the authorised {{ "activity" if calendar == 1 else "activities" }} to your diary.
{% endif %}
{{ trust }}

--
Sent by TrustDesk for {{ trust }} on {{ sent_on }}.
{%- if reminder %}
You receive reminders because you decide CPD requests; ask the trust's CPD team to stop them.
{%- endif %}
"""

# ruff: noqa: E501  (HTML lines read best unbroken)
DIGEST_HTML = """\
<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: Segoe UI, Arial, sans-serif; font-size: 14px; color: #1f2328;">
<p>Dear {{ name }},</p>
<p>{% if items|length == 1 %}{{ intro_one }}{% else %}{{ intro_many }}{% endif %}</p>
<ul>
{%- for item in items %}
<li><strong>{{ item.subject }}</strong>
{%- if item.activity %}<br>{{ item.activity.dates }}{% if item.activity.cost %} · {{ item.activity.cost }}{% endif %}{% endif %}
{%- if item.body %}<br><span style="white-space: pre-wrap;">{{ item.body }}</span>{% endif %}</li>
{%- endfor %}
</ul>
{%- if calendar %}
<p>The attached calendar file adds the authorised {{ "activity" if calendar == 1 else "activities" }} to your diary.</p>
{%- endif %}
<p>{{ trust }}</p>
<p style="color: #656d76; font-size: 12px;">Sent by TrustDesk for {{ trust }} on {{ sent_on }}.
{%- if reminder %} You receive reminders because you decide CPD requests; ask the trust's CPD team to stop them.{% endif %}</p>
</body></html>
"""

TEST_TEXT = """\
This is a test message from TrustDesk for {{ trust }}, sent on {{ sent_on }} by {{ who }}.

If you can read it, TrustDesk can send e-mail through {{ host }}.
"""


@cache
def _environment() -> Environment:
    return Environment(
        loader=DictLoader({"digest.txt": DIGEST_TEXT, "digest.html": DIGEST_HTML, "test.txt": TEST_TEXT}),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def template(name: str) -> Template:
    return _environment().get_template(name)
