"""fix-procfile-yaml: quote Procfile commands that YAML reads differently from the line (how
a line is quoted is :mod:`paasfix.platform.procfile_quoting`)."""

from __future__ import annotations

from collections.abc import Iterator

from paasfix.fixer import ERROR, SAFE, Edit, Example, Finding, Fixer
from paasfix.platform.procfile_lines import ProcfileLines
from paasfix.project import Project

Edits = tuple[Edit, ...]


class FixProcfileYaml(Fixer[Edits]):
    """
    ## What goes wrong

    Heroku reads a Procfile line by line: a process name, a colon, and the rest of the line is
    the command. The BlueKing platform reads the same file as YAML, which is stricter and reads
    some ordinary command lines differently:

    - `: ` inside the command (`python -c "print('a: b')"`, a message with a colon in it)
      makes YAML stop with `mapping values are not allowed here`;
    - a tab after the colon, or anywhere in the command, is not allowed;
    - without a blank after the colon (`web:gunicorn app`) the line is one string, not a
      process;
    - ` #` starts a YAML comment even inside shell quotes, so
      `--access-logformat '%(h)s #%(r)s'` is silently cut to a different command;
    - a command that starts with a quote but goes on after the closing one
      (`"bin/run" --fast`), an unclosed quote, or a command that starts with `*`, `&`, `{`,
      `[`, `@`, `%`, `|`, `>`, `!` or a backquote is not a plain YAML string: the file does
      not load, or the command becomes a list, a mapping or a reference; `true` or `~` is a
      boolean or null;
    - a name like `1` or `on` is a number or a boolean to YAML, not a name.

    A Procfile that does not load stops every deploy with `file "Procfile"'s format is not
    YAML` (older platforms: `Procfile error: ...`), even when app_desc.yaml is valid.

    ## The fix

    Each misread line is rewritten as `name: 'command'`, the command quoted so that YAML reads
    exactly the text after the colon (blanks around it removed), as Heroku does: single quotes
    (a `'` inside is doubled), or double quotes when the command contains `'` and no `"` or
    `\\`, which reads better. A command YAML can read without quotes once the blank after the
    colon is there (`web:gunicorn app`) only gets the blank; a tab after the colon becomes a
    space. A trailing ` # comment` outside shell quotes stays a comment: the shell that runs
    the command would drop it too.

    All misread lines are repaired together, in one edit. Comment lines, blank lines, lines
    YAML already reads as written (including a command that
    is quoted as a whole) and each line's own line ending stay as they are. When the Procfile
    has lines that are not `name: command` (a command continued on the next line) or defines a
    name twice, paasfix cannot tell what was meant and says which lines to look at.

    This fixer runs early, so fix-procfile then sees the Procfile the author meant and can
    convert it to app_desc.yaml with exactly these commands.

    ## Safety

    Safe: every repaired line is loaded again and must give exactly the name and command the
    line says; the platform then runs the command Heroku would run.
    """

    id = "fix-procfile-yaml"
    title = "YAML reads Procfile lines differently from what they say"
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"file \"Procfile\"'s format is not YAML",
        r"file \"Procfile\" must be dict type",
        r"mapping values are not allowed here",
        r"found character '\\t' that cannot start any token",
    )

    def detect(self, project: Project) -> Iterator[Finding[Edits]]:
        procfile = project.procfile
        if procfile is None:
            return
        text = procfile.file.text
        lines = ProcfileLines.of(text)
        misread = lines.misread()
        if not misread:
            return
        from paasfix.platform.procfile_quoting import reads_as, repaired_line, with_lines

        path = procfile.path
        unclear = self._unclear(path, lines)
        if unclear is not None:
            yield unclear
            return
        repaired = {entry.number: repaired_line(entry) for entry, _ in misread}
        complete = {number: line for number, line in repaired.items() if line is not None}
        new_text = with_lines(text, complete)
        if len(complete) < len(repaired) or not reads_as(new_text, lines.entries):
            entry, why = misread[0]
            yield self.manual(
                f"{path} line {entry.number} {why}; paasfix found no "
                "quoting that YAML reads back as exactly this command; quote it "
                "by hand",
                path,
                entry.number,
            )
            return
        # every misread line is checked and repaired together: one edit for all of them
        plan = (Edit(path, procfile.file.encode(new_text)),)
        together = (
            f" (fixed together with the other {len(misread) - 1} misread lines)"
            if len(misread) > 1
            else ""
        )
        for entry, why in misread:
            line = complete[entry.number]
            yield self.finding(
                f"{path} line {entry.number} {why}; write it as `{line}`{together}",
                path,
                entry.number,
                plan=plan,
            )

    def fix(self, project: Project, finding: Finding[Edits]) -> list[Edit]:
        return list(finding.planned)

    def _unclear(self, path: str, lines: ProcfileLines) -> Finding[Edits] | None:
        if lines.others:
            first = lines.others[0]
            return self.manual(
                f"{path} line {first} is not a `name: command` line (a command continued on the "
                "next line?), so paasfix cannot tell what the misread lines mean; write each "
                "process on one line and quote its command as a whole",
                path,
                first,
            )
        duplicates = lines.duplicates()
        if duplicates:
            name, numbers = next(iter(duplicates.items()))
            return self.manual(
                f"{path} defines {name!r} on lines {', '.join(map(str, numbers))} and the "
                "platform keeps only the last one; keep one of them (or rename the other), then "
                "the misread lines can be repaired",
                path,
                numbers[0],
            )
        return None


FixProcfileYaml.examples = (
    Example.fixed(
        "': ' inside a command",
        {
            "Procfile": "web: gunicorn wsgi -b :$PORT\n"
            "check: python -c \"import sys; print('status: ok')\"\n"
        },
        {
            "Procfile": "web: gunicorn wsgi -b :$PORT\n"
            "check: 'python -c \"import sys; print(''status: ok'')\"'\n"
        },
        message="line 2 cannot be read as YAML (mapping values are not allowed here)",
        line=2,
    ),
    Example.fixed(
        "a URL option with ': ' in the command gets double quotes",
        {"Procfile": "worker: celery -A app worker --broker 'redis: //cache:6379/0'\n"},
        {"Procfile": "worker: \"celery -A app worker --broker 'redis: //cache:6379/0'\"\n"},
        message="write it as `worker: \"celery -A app worker --broker 'redis: //cache:6379/0'\"`",
        line=1,
    ),
    Example.fixed(
        "a tab after the colon becomes a space",
        {"Procfile": "web:\tgunicorn wsgi -b :$PORT\nworker:\tcelery -A app worker\n"},
        {"Procfile": "web: gunicorn wsgi -b :$PORT\nworker: celery -A app worker\n"},
        message="(found character '\\t' that cannot start any token); write it as "
        "`worker: celery -A app worker` (fixed together with the other 1 misread lines)",
        line=2,
    ),
    Example.fixed(
        "a tab inside the command is kept, quoted",
        {"Procfile": "web: gunicorn wsgi\t-b :$PORT\n"},
        {"Procfile": "web: 'gunicorn wsgi\t-b :$PORT'\n"},
    ),
    Example.fixed(
        "no blank after the colon",
        {"Procfile": "web:gunicorn wsgi -b :$PORT\n"},
        {"Procfile": "web: gunicorn wsgi -b :$PORT\n"},
        message="reads as one string, not as a name and a command",
        line=1,
    ),
    Example.fixed(
        "' #' inside shell quotes no longer cuts the command; the shell comment stays",
        {"Procfile": "web: gunicorn wsgi -b :$PORT --access-logformat '%(h)s #%(r)s'  # front\n"},
        {
            "Procfile": "web: \"gunicorn wsgi -b :$PORT --access-logformat '%(h)s #%(r)s'\"  # front\n"
        },
        message="has a command that YAML cuts to `gunicorn wsgi -b :$PORT --access-logformat "
        "'%(h)s`: the rest, from ' #', is read as a YAML comment",
        line=1,
    ),
    Example.fixed(
        "an escaped blank before '#' is not a comment to the shell",
        {"Procfile": "worker: python worker.py --tag \\ #1\n"},
        {"Procfile": "worker: 'python worker.py --tag \\ #1'\n"},
    ),
    Example.fixed(
        "a command that goes on after a closing quote, and an unclosed quote",
        {"Procfile": 'web: "bin/start web" --port $PORT\nbeat: \'celery beat -l info\n'},
        {"Procfile": 'web: \'"bin/start web" --port $PORT\'\nbeat: "\'celery beat -l info"\n'},
        message="line 2 cannot be read as YAML (found unexpected end of stream)",
        line=2,
    ),
    Example.fixed(
        "commands starting with YAML indicators",
        {
            "Procfile": "a: *.sh\nb: &>/dev/null run\nc: {run}\nd: [ -f x ] && run\ne: @run\n"
            "f: `which run`\ng: %run\nh: | tee\ni: > out.log run\nj: !run\n"
            "k: true\nl: ~\n"
        },
        {
            "Procfile": "a: '*.sh'\nb: '&>/dev/null run'\nc: '{run}'\nd: '[ -f x ] && run'\n"
            "e: '@run'\nf: '`which run`'\ng: '%run'\nh: '| tee'\ni: '> out.log run'\n"
            "j: '!run'\nk: 'true'\nl: '~'\n"
        },
        message="line 11 has a command that YAML reads as a boolean, not as text",
        line=11,
    ),
    Example.fixed(
        "a name YAML reads as a number or a boolean",
        {"Procfile": "2: python two.py\non: python on.py\n"},
        {"Procfile": "'2': python two.py\n'on': python on.py\n"},
        message="has a name that YAML reads as a number, not as the text '2'",
        line=1,
    ),
    Example.fixed(
        "a command with both kinds of quotes",
        {"Procfile": "web: sh -c \"echo 'a: b'\" # x\n"},
        {"Procfile": "web: 'sh -c \"echo ''a: b''\"' # x\n"},
    ),
    Example.fixed(
        "comments, blank lines and line endings kept",
        {
            "Procfile": "# processes\r\n\r\nweb: gunicorn wsgi -b :$PORT\r\n"
            "check: python -c \"print('a: b')\"\r\n# end"
        },
        {
            "Procfile": "# processes\r\n\r\nweb: gunicorn wsgi -b :$PORT\r\n"
            "check: 'python -c \"print(''a: b'')\"'\r\n# end"
        },
        path="Procfile",
        line=4,
    ),
    Example.fixed(
        "the Procfile of the build directory",
        {
            "src/Procfile": "web:gunicorn wsgi\n",
            "Procfile": "web:gunicorn other\n",
            "src/requirements.txt": "gunicorn\n",
        },
        {
            "src/Procfile": "web: gunicorn wsgi\n",
            "Procfile": "web:gunicorn other\n",
            "src/requirements.txt": "gunicorn\n",
        },
        build_dir="src",
        message="write it as `web: gunicorn wsgi`",
        path="src/Procfile",
        line=1,
    ),
    Example.manual(
        "a command continued on the next line",
        {"Procfile": "web: gunicorn wsgi\n  --workers 4\ncheck: python -c \"print('a: b')\"\n"},
        message="line 2 is not a `name: command` line",
        line=2,
    ),
    Example.manual(
        "a name defined twice",
        {"Procfile": "web: gunicorn wsgi\nweb: python -c \"print('a: b')\"\n"},
        message="defines 'web' on lines 1, 2 and the platform keeps only the last one",
        line=1,
    ),
    Example.clean(
        "a valid Procfile with a quoted option, as in bk-chatbot",
        {
            "Procfile": "web: gunicorn wsgi -w 4 -b :$PORT --access-logformat "
            "'%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s'\n"
            "worker: python manage.py celery worker -l info\n"
        },
    ),
    Example.clean(
        "commands quoted as a whole",
        {"Procfile": "web: \"gunicorn wsgi -b :$PORT\"\ncheck: 'echo ''a: b'''  # probe\n"},
    ),
    Example.clean(
        "a comment after the command, an apostrophe and '#' inside a word",
        {
            "Procfile": "web: gunicorn wsgi -b :$PORT   # the site\nhi: echo it's\n"
            "tag: python run.py --tag=#1\n"
        },
    ),
    Example.clean(
        "valid YAML that is not in line format",
        {"Procfile": "web:\n  gunicorn wsgi\n  -b :$PORT\n"},
    ),
    Example.clean(
        "a continued line YAML cannot read is fix-procfile's concern",
        {"Procfile": "web: gunicorn wsgi\n  --access-logformat '%(h)s: %(r)s'\n"},
    ),
    Example.clean(
        "a process without a command is fix-procfile's concern",
        {"Procfile": "web: gunicorn wsgi\nworker:\n"},
    ),
    Example.fixed(
        "old Mac line endings are line breaks to YAML, and stay",
        {"Procfile": "web: gunicorn wsgi\rcheck: python -c \"print('a: b')\"\r"},
        {"Procfile": "web: gunicorn wsgi\rcheck: 'python -c \"print(''a: b'')\"'\r"},
        message="line 2 cannot be read as YAML",
        line=2,
    ),
    Example.clean("no Procfile", {"requirements.txt": "gunicorn\n"}),
)
