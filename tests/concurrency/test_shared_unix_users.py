"""A database shared by several Unix users: files follow the umask, two real accounts in
one group both write, the change log names each OS account, and a team can require
that --annotator is the login name."""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdesk.cli import main
from store.changelog import os_account
from store.db import connect
from tests.conftest import add_document_to_file

REPO = Path(__file__).resolve().parents[2]


def test_database_wal_and_shm_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        db = connect(tmp_path / "team.db")
        db.conn.execute("CREATE TABLE probe (x)")
        modes = {
            suffix: (tmp_path / f"team.db{suffix}").stat().st_mode & 0o777
            for suffix in ("", "-wal", "-shm")
        }
        db.close()
    finally:
        os.umask(old)
    assert modes == {"": 0o664, "-wal": 0o664, "-shm": 0o664}


def test_the_change_log_records_the_os_account(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    add_document_to_file(path, "Die Stadt meldet 11.000 Besucher.")
    assert main(["--db", str(path), "--annotator", "alice", "labels"]) == 0
    toml = tmp_path / "l.toml"
    toml.write_text('[[label]]\nname = "NEW"\ncolour = "#112233"\n', encoding="utf-8")
    assert main(["--db", str(path), "--annotator", "alice", "labels", "--load", str(toml)]) == 0
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT annotator, os_user FROM changes").fetchall()
    conn.close()
    assert rows == [("alice", os_account())]


def test_annotator_must_match_login_refuses_other_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("annotator_must_match_login = true\n", encoding="utf-8")
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(config))
    path = tmp_path / "t.db"
    add_document_to_file(path, "Die Stadt meldet 11.000 Besucher.")
    assert main(["--db", str(path), "--annotator", "not-me", "stats"]) == 1
    err = capsys.readouterr().err
    assert f"annotator 'not-me' is not your login name {os_account()!r}" in err
    assert str(config) in err
    assert main(["--db", str(path), "--annotator", str(os_account()), "stats"]) == 0
    config.write_text("annotator_must_match_login = 1\n", encoding="utf-8")
    assert main(["--db", str(path), "stats"]) == 1
    assert "must be true or false" in capsys.readouterr().err


def _have(tool: str) -> bool:
    return shutil.which(tool) is not None


@pytest.fixture
def two_unix_users() -> Iterator[tuple[str, str, str]]:
    """Two throw-away accounts in a throw-away group, removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root to create Unix users (CI runs as root)")
    if not all(_have(t) for t in ("useradd", "userdel", "groupadd", "groupdel", "runuser")):
        pytest.skip("useradd/groupadd/runuser not installed")
    tag = uuid.uuid4().hex[:6]
    group, users = f"cdteam{tag}", [f"cda{tag}", f"cdb{tag}"]
    subprocess.run(["groupadd", group], check=True)
    try:
        for user in users:
            subprocess.run(["useradd", "-M", "-N", "-g", group, user], check=True)
        yield group, users[0], users[1]
    finally:
        for user in users:
            subprocess.run(["userdel", user], check=False, capture_output=True)
        subprocess.run(["groupdel", group], check=False, capture_output=True)


def _reachable_by_others(path: Path) -> bool:
    """Whether another account may use ``path``: it and every folder above it have o+x."""
    resolved = path.resolve()
    return all(p.stat().st_mode & 0o001 for p in (resolved, *resolved.parents))


def _claimdesk_command() -> tuple[list[str], dict[str, str]]:
    """How another account runs this checkout's claimdesk.

    The test's own interpreter may sit in root's home (pyenv under /root, mode 0700);
    then a system Python of the same version runs the same installed packages.
    """
    code = "import sys; from claimdesk.cli import main; sys.exit(main())"
    site = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    env = {"PYTHONPATH": os.pathsep.join([str(REPO), *site])}
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [Path(sys.executable), Path("/usr/bin", version), Path("/usr/local/bin", version)]
    for candidate in candidates:
        if candidate.exists() and _reachable_by_others(candidate):
            if not all(_reachable_by_others(Path(p)) for p in [REPO, *site]):
                pytest.skip(f"{REPO} or its packages are not readable by other accounts")
            return [str(candidate), "-c", code], env
    pytest.skip(f"no {version} that other Unix accounts may run (this one: {sys.executable})")


def _runuser(user: str, home: Path, argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command line running ``argv`` as ``user`` under umask 002, and its environment."""
    _, extra = _claimdesk_command()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "CLAIMDESK_CONFIG": str(home / "config.toml"),
        "LANG": "C.UTF-8",
        **extra,
    }
    script = "umask 002 && exec " + " ".join(shlex.quote(a) for a in argv)
    return ["runuser", "-u", user, "--", "sh", "-c", script], env


def _as(user: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command, _ = _claimdesk_command()
    argv, env = _runuser(user, home, [*command, *args])
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)


# An annotator's reader: keeps the database open (so its -wal and -shm stay) until killed.
_HOLD = (
    "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]);"
    " c.execute('SELECT count(*) FROM documents').fetchone(); print('open', flush=True);"
    " time.sleep(120)"
)


def test_two_unix_users_share_one_database(two_unix_users: tuple[str, str, str]) -> None:
    group, first, second = two_unix_users
    base = Path(tempfile.mkdtemp(prefix="claimdesk-team-", dir="/tmp"))
    holder: subprocess.Popen[str] | None = None
    try:
        base.chmod(0o755)
        shared = base / "shared"
        shared.mkdir()
        shutil.chown(shared, group=group)
        shared.chmod(0o2775)  # setgid: new files take the group
        homes = {}
        for user in (first, second):
            homes[user] = base / f"home-{user}"
            homes[user].mkdir()
            shutil.chown(homes[user], user=user, group=group)
        article = base / "article.txt"
        article.write_text("Die Stadt meldet 11.000 Besucher am 3. Juni.\n", encoding="utf-8")
        article.chmod(0o644)
        db = shared / "team.db"
        made = _as(first, homes[first], "--db", str(db), "import", "-q", str(article))
        assert made.returncode == 0, made.stderr
        python = _claimdesk_command()[0][0]
        argv, env = _runuser(first, homes[first], [python, "-c", _HOLD, str(db)])
        # Its own process group: runuser does not pass a kill on to the Python it runs.
        holder = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
        )
        assert holder.stdout is not None
        assert holder.stdout.readline() == "open\n"
        labels = base / "labels.toml"
        labels.write_text('[[label]]\nname = "TEAM"\ncolour = "#112233"\n', encoding="utf-8")
        labels.chmod(0o644)
        wrote = _as(second, homes[second], "--db", str(db), "labels", "--load", str(labels))
        assert wrote.returncode == 0, wrote.stderr
        backup = _as(second, homes[second], "--db", str(db), "backup", str(shared / "b.db"))
        assert backup.returncode == 0, backup.stderr
        out = shared / "spans.jsonl"
        exported = _as(
            first, homes[first], "--db", str(db), "export", "-f", "jsonl", "-o", str(out)
        )
        assert exported.returncode == 0, exported.stderr
        for name in ("team.db", "team.db-wal", "team.db-shm", "b.db", "spans.jsonl"):
            info = (shared / name).stat()
            assert info.st_mode & 0o777 == 0o664, name
            assert info.st_gid == shared.stat().st_gid, name
        assert (shared / "team.db-shm").stat().st_uid == pwd.getpwnam(first).pw_uid
        conn = sqlite3.connect(db)
        logged = conn.execute("SELECT DISTINCT annotator, os_user FROM changes").fetchall()
        conn.close()
        assert logged == [(second, second)]
    finally:
        if holder is not None:
            os.killpg(holder.pid, signal.SIGKILL)
            holder.wait()
        shutil.rmtree(base, ignore_errors=True)
