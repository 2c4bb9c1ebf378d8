"""The platform's rules for process definitions (PLATFORM.md §1.2-1.7 and §2.1-2.2).

These functions take data already loaded with :func:`paasfix.formats.yamlio.platform_load` and return
the problems the platform would reject or misread, in the order they appear. Every
``app_desc.yaml`` and ``Procfile`` paasfix writes must not add a problem to this list.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any, Optional, Sequence

PROC_NAME_PATTERN = r"^[a-z0-9]([-a-z0-9])*$"
PROC_NAME_RE = re.compile(PROC_NAME_PATTERN)
PROC_NAME_MAX = 12
MAX_PROCESSES = 16
LANGUAGES = ("Python", "PHP", "Go", "NodeJS", "Java")
SPEC_VERSIONS = (2, 3)
ENV_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
ENV_KEY_MAX = 1024
RESERVED_ENV_KEYS = ("SLUG_URL", "HOME", "S3CMD_CONF", "HOSTNAME")
RESERVED_ENV_PREFIXES = ("BKPAAS_", "KUBERNETES_")
ENVIRONMENTS = ("stag", "prod", "_global_")
SOURCE_DIR_RE = re.compile(r"^[a-zA-Z0-9_\-./]+$")

APP_DESC_NAMES = ("app_desc.yaml", "app_desc.yml")
PROCFILE_NAME = "Procfile"


@dataclass(frozen=True)
class Problem:
    kind: str
    """A short code: ``not-mapping``, ``spec-version``, ``language``, ``process-name``, ..."""
    message: str
    where: str = ""
    """Where in the document, as dotted keys (``module.processes.Web``)."""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def proc_name_problems(name: Any, where: str, procfile: bool = False) -> list[Problem]:
    """The platform words the length rule differently for the Procfile and app_desc.yaml."""
    if not isinstance(name, str):
        return [Problem("process-name", f"process name {name!r} is not a string", where)]
    if not PROC_NAME_RE.match(name):
        return [
            Problem(
                "process-name",
                f"Invalid proc type: {name}, must match pattern {PROC_NAME_PATTERN}",
                where,
            )
        ]
    if len(name) > PROC_NAME_MAX:
        rule = "must not longer than" if procfile else "cannot be longer than"
        return [
            Problem(
                "process-name",
                f"Invalid proc type: {name}, {rule} {PROC_NAME_MAX} characters",
                where,
            )
        ]
    return []


def _command_problems(command: Any, where: str) -> list[Problem]:
    if not isinstance(command, str):
        return [
            Problem("command", f"the command must be a string, not {_type_name(command)}", where)
        ]
    if not command.strip():
        return [Problem("command", "the command is empty", where)]
    return []


def _count_problem(count: int, where: str) -> list[Problem]:
    if count > MAX_PROCESSES:
        return [
            Problem(
                "process-count",
                f"The number of processes exceeded: maximum {MAX_PROCESSES} processes "
                f"per module, but got {count}",
                where,
            )
        ]
    return []


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def procfile_problems(data: Any) -> list[Problem]:
    if not isinstance(data, dict):
        return [
            Problem("not-mapping", f'file "Procfile" must be dict type (it is {_type_name(data)})')
        ]
    problems: list[Problem] = []
    for name, command in data.items():
        problems += proc_name_problems(name, str(name), procfile=True)
        problems += _command_problems(command, str(name))
    return problems + _count_problem(len(data), "")


def spec_version(data: Any) -> Any:
    """The raw version value (``spec_version``, else ``specVersion``), or None."""
    if not isinstance(data, dict):
        return None
    if "spec_version" in data:
        return data["spec_version"]
    return data.get("specVersion")


def _env_problems(items: Any, where: str, key_field: str) -> list[Problem]:
    if items is None:
        return []
    if not isinstance(items, list):
        return [Problem("env", "environment variables must be a list", where)]
    problems = []
    for index, item in enumerate(items):
        at = f"{where}[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem("env", "each environment variable must be a mapping", at))
            continue
        key = item.get(key_field)
        if not isinstance(key, str) or not ENV_KEY_RE.match(key) or len(key) > ENV_KEY_MAX:
            problems.append(
                Problem(
                    "env-key",
                    f"environment variable name {key!r}: 格式错误，"
                    "只能以大写字母开头，由大写字母、数字与下划线组成。 (it must start "
                    "with an upper-case letter and use only A-Z, 0-9 and _, "
                    f"at most {ENV_KEY_MAX} characters)",
                    at,
                )
            )
        elif key in RESERVED_ENV_KEYS:
            problems.append(Problem("env-key", f"保留关键字: {key} (a reserved name)", at))
        elif key.startswith(RESERVED_ENV_PREFIXES):
            prefix = next(p for p in RESERVED_ENV_PREFIXES if key.startswith(p))
            problems.append(
                Problem("env-key", f"保留前缀: {prefix}，请尝试其他前缀 (a reserved prefix)", at)
            )
        value = item.get("value")
        if isinstance(value, bool):
            problems.append(
                Problem(
                    "env-value",
                    f"the value of {key} is a boolean, not a string: Not a valid string.",
                    at,
                )
            )
        elif value is None and "value" in item:
            problems.append(
                Problem("env-value", f"the value of {key} is null: This field may not be null.", at)
            )
        elif isinstance(value, float):
            problems.append(
                Problem(
                    "env-value",
                    f"the value of {key} is the number {value!r}; "
                    "the platform stores it as a number's text, quote it",
                    at,
                )
            )
        env = item.get("environment_name")
        if env is not None and env not in ENVIRONMENTS:
            problems.append(
                Problem("env", f"environment_name {env!r} is not one of {ENVIRONMENTS}", at)
            )
    return problems


def _language_problems(language: Any, where: str) -> list[Problem]:
    if language is None:
        return [Problem("language", "language is required", where)]
    if not isinstance(language, str) or language.lower() not in {x.lower() for x in LANGUAGES}:
        return [
            Problem(
                "language",
                f"'{language}' is not a supported language. (use one of {', '.join(LANGUAGES)})",
                where,
            )
        ]
    return []


def _v2_module_problems(module: Any, where: str) -> list[Problem]:
    if not isinstance(module, dict):
        return [Problem("module", "the module must be a mapping", where)]
    problems = _language_problems(module.get("language"), f"{where}.language")
    source_dir = module.get("source_dir")
    if source_dir not in (None, ""):
        if (
            not isinstance(source_dir, str)
            or not SOURCE_DIR_RE.match(source_dir)
            or ".." in source_dir
            or source_dir.startswith("/")
        ):
            problems.append(
                Problem("source-dir", f"构建目录 {source_dir} 不合法", f"{where}.source_dir")
            )
    problems += _env_problems(module.get("env_variables"), f"{where}.env_variables", "key")
    if "processes" in module:
        processes = module["processes"]
        at = f"{where}.processes"
        if not isinstance(processes, dict):
            problems.append(Problem("processes", "processes must be a mapping", at))
        elif not processes:
            problems.append(Problem("processes", "This dictionary may not be empty.", at))
        else:
            for name, proc in processes.items():
                problems += proc_name_problems(name, f"{at}.{name}")
                if not isinstance(proc, dict):
                    problems.append(
                        Problem(
                            "command", "a process must be a mapping with a command", f"{at}.{name}"
                        )
                    )
                else:
                    problems += _command_problems(proc.get("command"), f"{at}.{name}.command")
            problems += _count_problem(len(processes), at)
    return problems


def _v3_module_problems(module: Any, where: str) -> list[Problem]:
    if not isinstance(module, dict):
        return [Problem("module", "the module must be a mapping", where)]
    problems = _language_problems(module.get("language"), f"{where}.language")
    spec = module.get("spec")
    if not isinstance(spec, dict):
        return problems + [Problem("spec", "spec is required", f"{where}.spec")]
    processes = spec.get("processes")
    at = f"{where}.spec.processes"
    if not isinstance(processes, list) or not processes:
        problems.append(Problem("processes", "spec.processes must be a non-empty list", at))
    else:
        for index, proc in enumerate(processes):
            if not isinstance(proc, dict):
                problems.append(
                    Problem("processes", "a process must be a mapping", f"{at}[{index}]")
                )
                continue
            problems += proc_name_problems(proc.get("name"), f"{at}[{index}].name")
        problems += _count_problem(len(processes), at)
    config = spec.get("configuration")
    if isinstance(config, dict):
        problems += _env_problems(config.get("env"), f"{where}.spec.configuration.env", "name")
    return problems


def app_desc_problems(data: Any, name: str = "app_desc.yaml") -> list[Problem]:
    if not isinstance(data, dict):
        return [
            Problem("not-mapping", f'file "{name}" must be dict type (it is {_type_name(data)})')
        ]
    version = spec_version(data)
    key = "specVersion" if "spec_version" not in data and "specVersion" in data else "spec_version"
    if version is None:
        if "app_code" in data:
            return [
                Problem(
                    "spec-version",
                    "a legacy (version 1) description with app_code; "
                    "version 1 is no longer supported",
                    key,
                )
            ]
        return [Problem("spec-version", "no spec version is specified", key)]
    if isinstance(version, bool) or not isinstance(version, int) or version not in SPEC_VERSIONS:
        return [Problem("spec-version", f'app spec version "{version}" is not supported', key)]
    problems: list[Problem] = []
    if version == 2:
        modules = data.get("modules")
        if modules is not None:
            if not isinstance(modules, dict):
                problems.append(
                    Problem("module", "modules must be a mapping of name to module", "modules")
                )
            else:
                for mod_name, module in modules.items():
                    problems += _v2_module_problems(module, f"modules.{mod_name}")
        if data.get("module") is not None:
            problems += _v2_module_problems(data["module"], "module")
        if modules is None and data.get("module") is None:
            problems.append(Problem("module", "module: 模块配置内容不能为空", "module"))
    else:
        modules = data.get("modules")
        if modules is not None:
            if not isinstance(modules, list):
                problems.append(
                    Problem("module", "modules must be a list in specVersion 3", "modules")
                )
            else:
                for index, module in enumerate(modules):
                    at = f"modules[{index}]"
                    if isinstance(module, dict) and "name" not in module:
                        problems.append(Problem("module", "a module has no name", at))
                    problems += _v3_module_problems(module, at)
        if data.get("module") is not None:
            problems += _v3_module_problems(data["module"], "module")
        if modules is None and data.get("module") is None:
            problems.append(Problem("module", "module: 模块配置内容不能为空", "module"))
    return problems


def default_module(data: Any, module_name: Optional[str] = None) -> tuple[Optional[str], Any]:
    """(where, module) the deploy uses: ``modules[name]`` (the default one), else ``module``."""
    if not isinstance(data, dict):
        return None, None
    modules = data.get("modules")
    version = spec_version(data)
    if isinstance(modules, dict) and modules:
        if module_name in modules:
            return f"modules.{module_name}", modules[module_name]
        for name, module in modules.items():
            if isinstance(module, dict) and module.get("is_default"):
                return f"modules.{name}", module
        if "default" in modules:
            return "modules.default", modules["default"]
        if len(modules) == 1:
            name = next(iter(modules))
            return f"modules.{name}", modules[name]
    if isinstance(modules, list) and version == 3:
        for index, module in enumerate(modules):
            if isinstance(module, dict) and (
                module.get("name") == module_name or module_name is None and module.get("isDefault")
            ):
                return f"modules[{index}]", module
        if len(modules) == 1:
            return "modules[0]", modules[0]
    if isinstance(data.get("module"), dict):
        return "module", data["module"]
    return None, None


def processes_of(data: Any, module_name: Optional[str] = None) -> Optional[dict[str, Any]]:
    """The ``{name: command}`` processes the description defines, None when it defines none.

    Each command is the one the platform runs and compares with a Procfile (§2.3): for
    specVersion 3, ``procCommand`` when it is not blank, otherwise the ``bash -c`` line the
    platform generates from the ``command``/``args`` lists (:func:`bash_wrapper`).
    """
    _, module = default_module(data, module_name)
    if not isinstance(module, dict):
        return None
    if spec_version(data) == 3:
        spec = module.get("spec")
        procs = spec.get("processes") if isinstance(spec, dict) else None
        if not isinstance(procs, list) or not procs:
            return None
        result = {}
        for proc in procs:
            if isinstance(proc, dict) and isinstance(proc.get("name"), str):
                result[proc["name"]] = v3_command(proc)
        return result
    procs = module.get("processes")
    if not isinstance(procs, dict) or not procs:
        return None
    return {
        str(name): (proc.get("command") if isinstance(proc, dict) else None)
        for name, proc in procs.items()
    }


def v3_argv(proc: dict[str, Any]) -> tuple[str, ...]:
    """The items of a specVersion 3 process's ``command`` and ``args`` lists, in order."""
    items = [*(proc.get("command") or []), *(proc.get("args") or [])]
    return tuple(str(item) for item in items)


def v3_proc_command(proc: dict[str, Any]) -> Any:
    """A specVersion 3 process's ``procCommand`` when the platform uses it (not blank)."""
    command = proc.get("procCommand")
    return command if (command.strip() if isinstance(command, str) else command) else None


def v3_command(proc: dict[str, Any]) -> Any:
    """The command of a specVersion 3 process as the platform makes it."""
    command = v3_proc_command(proc)
    if command is not None:
        return command
    argv = v3_argv(proc)
    return bash_wrapper([item.strip() for item in argv]) if argv else None


def bash_wrapper(tokens: Sequence[str]) -> str:
    """The one-line command the platform makes of a specVersion 3 ``command``/``args`` list
    (``generate_bash_command_with_tokens``): bash evaluates each token on its own, so a
    variable in a token is expanded without splitting it into words."""
    references = ['"$(eval echo \\"$0\\")"'] + [
        f'"$(eval echo \\"${{{index}}}\\")"' for index in range(1, len(tokens))
    ]
    quoted = " ".join(shlex.quote(token) for token in tokens)
    return f"bash -c '{' '.join(references)}' {quoted}"
