"""The contract to the letter (issue 18): the command line, HTTP details of RFC 9110 / RFC 9457,
validation at the door, and a documentation whose links resolve."""
import os
import subprocess

from run import ROOT, expect_problem, free_port


# --- the command line ---------------------------------------------------------------------

def _ciclo(ctx, *args, database=False):
    """Runs the binary with args; without database, DATABASE_URL is unset, so a subcommand that
    wrongly acted would fail on it rather than do something. A listener port is free, and a
    timeout stops a command that wrongly served."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = ctx.database_url
    env["CICLO_LISTEN"] = "127.0.0.1:%d" % free_port()
    try:
        p = subprocess.run([ctx.bin] + list(args), env=env, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError("ciclo %s did not return (it served?)" % " ".join(args))
    return p


def test_every_subcommand_has_help(ctx):
    for args in (["--help"], ["-h"], ["help"], ["serve", "--help"], ["migrate", "--help"],
                 ["token", "--help"], ["token", "create", "--help"], ["import", "--help"],
                 ["import", "--revise", "--help"]):
        p = _ciclo(ctx, *args)
        assert p.returncode == 0, "ciclo %s -> %d %s" % (" ".join(args), p.returncode, p.stderr)
        assert p.stdout.startswith("usage: ciclo"), "ciclo %s printed %r" % (" ".join(args), p.stdout)
        word = args[0] if args[0] not in ("--help", "-h", "help") else "serve"
        assert "ciclo " + word in p.stdout, p.stdout


def test_help_does_nothing_else(ctx):
    # with the database at hand, migrate --help must not touch it and serve --help must not listen
    before = ctx.sql("SELECT count(*) FROM schema_version") if _has_migrations_table(ctx) else None
    p = _ciclo(ctx, "migrate", "--help", database=True)
    assert p.returncode == 0 and "applied" not in p.stdout, p
    if before is not None:
        assert ctx.sql("SELECT count(*) FROM schema_version") == before
    p = _ciclo(ctx, "serve", "--help", database=True)
    assert p.returncode == 0 and "listening" not in p.stdout + p.stderr, p
    p = _ciclo(ctx, "import", "--help", database=True)
    assert p.returncode == 0 and "--help:" not in p.stderr, p


def _has_migrations_table(ctx):
    return ctx.sql("SELECT to_regclass('schema_version') IS NOT NULL") == [["t"]]


def test_version(ctx):
    for flag in ("--version", "version"):
        p = _ciclo(ctx, flag)
        assert p.returncode == 0, p
        words = p.stdout.split()
        assert words[0] == "ciclo" and words[1][0].isdigit(), p.stdout


def test_unknown_flag_is_an_error_never_an_action(ctx):
    for args in (["serve", "--bogus"], ["migrate", "--bogus"], ["import", "--bogus"],
                 ["token", "create", "--role", "admin", "--bogus", "1"], ["--bogus"], ["frobnicate"]):
        p = _ciclo(ctx, *args, database=True)
        assert p.returncode == 2, "ciclo %s -> %d" % (" ".join(args), p.returncode)
        assert args[-2 if args[-1] == "1" else -1] in p.stderr, p.stderr
        assert "created" not in p.stdout and "applied" not in p.stdout, p.stdout
