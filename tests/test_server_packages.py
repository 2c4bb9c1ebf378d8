"""What server and worker commands need installed, and which needs the requirements leave unmet."""

from __future__ import annotations

from paasfix.python_apps.server_packages import needed_packages, unmet_needs


def _requirements(*lines: str):
    def named(name: str) -> list[str]:
        return [line for line in lines if line.split("[")[0].split("=")[0].lower() == name]

    return named


def test_servers_workers_and_pools():
    assert [n.package for n in needed_packages("gunicorn", ["-k", "gevent", "app:app"])] == [
        "gunicorn",
        "gevent",
    ]
    assert [
        n.package for n in needed_packages("celery", ["-A", "p", "worker", "-P", "eventlet"])
    ] == [
        "celery",
        "eventlet",
    ]
    assert [n.package for n in needed_packages("uvicorn", ["main:app", "--loop", "uvloop"])] == [
        "uvicorn[standard]"
    ]
    assert needed_packages("python", ["app.py"]) == []


def test_unmet_needs_keep_their_users_in_order():
    commands = [
        ("web", "gunicorn", ["app:app"]),
        ("worker", "celery", ["-A", "p", "worker", "-P", "gevent"]),
        ("admin", "gunicorn", ["admin:app"]),
    ]
    unmet = unmet_needs(commands, _requirements("celery==5.2.7"))
    assert {package: users for package, (_, users) in unmet.items()} == {
        "gunicorn": ["web", "admin"],
        "gevent": ["worker"],
    }
    assert unmet["gevent"][0].anchors == ("celery",)


def test_a_project_that_installs_the_server_provides_it():
    commands = [("web", "uvicorn", ["main:app"]), ("worker", "celery", ["-A", "p", "worker"])]
    assert unmet_needs(commands, _requirements("fastapi[standard]==0.110", "django-celery")) == {}
    assert list(unmet_needs(commands, _requirements("fastapi==0.110", "django-celery"))) == [
        "uvicorn"
    ]
