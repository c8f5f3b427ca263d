"""Where TrustDesk keeps its files: platformdirs folders, or one folder of your choice.

``--data-dir`` (portable installs, tests) puts data, settings, logs and exports
under one folder; otherwise each goes where the platform expects it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "TrustDesk"
APP_AUTHOR = "TrustDesk"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    settings: Path
    logs: Path
    exports: Path

    @classmethod
    def default(cls) -> AppPaths:
        dirs = PlatformDirs(APP_NAME, APP_AUTHOR)
        return cls(
            data=Path(dirs.user_data_dir),
            settings=Path(dirs.user_config_dir),
            logs=Path(dirs.user_log_dir),
            exports=Path(dirs.user_documents_dir) / APP_NAME,
        )

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        root = root.expanduser().resolve()
        return cls(data=root / "data", settings=root / "settings", logs=root / "logs", exports=root / "exports")

    @classmethod
    def under_or_default(cls, root: str | None) -> AppPaths:
        return cls.under(Path(root)) if root else cls.default()

    @property
    def default_database(self) -> Path:
        return self.data / "trustdesk.sqlite"

    @property
    def demo_database(self) -> Path:
        return self.data / "demo-trust.sqlite"

    @property
    def settings_file(self) -> Path:
        return self.settings / "trustdesk.ini"

    def ensure(self) -> None:
        for folder in (self.data, self.settings, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
