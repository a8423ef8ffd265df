"""House rules that a reviewer should not have to remember: each walks the source with ``ast``
and names every breach by file and line. Each rule is first shown to catch a bad example.

Views reading through ``Model.objects`` inline are not checked: dozens still make small
lookups there, and no rule tells those apart from a read that belongs in ``selectors`` without
a list of exceptions. What is checked is the clear case: a function in a views module that
takes no request and queries models is a selector in the wrong room.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the zhucan package
HELPER_MODULE = "factories.py"  # the one name for helpers beside the tests
TEST_PACKAGE_FILES = {"__init__.py", "conftest.py", HELPER_MODULE}


def _source_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _in_tests(path: Path) -> bool:
    return "tests" in path.relative_to(ROOT).parts


def _application(path: Path) -> bool:
    """Not test code: neither a tests package nor the test support in zhucan/testing."""
    parts = path.relative_to(ROOT).parts
    return "tests" not in parts and parts[0] != "testing"


def _where(path: str, node: ast.AST) -> str:
    return f"{path}:{getattr(node, 'lineno', 0)}"


# --- URL patterns are listed in urls.py only -----------------------------------------------


def urlpatterns_outside_urls(path: str, source: str) -> list[str]:
    """``urlpatterns`` bound anywhere but in a ``urls.py``."""
    if Path(path).name == "urls.py":
        return []
    return [
        f"{_where(path, node)}: urlpatterns belong in the app's urls.py"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Name)
        and node.id == "urlpatterns"
        and isinstance(node.ctx, ast.Store)
    ]


# --- Selectors do not live in views modules ------------------------------------------------


def _is_views_module(path: str) -> bool:
    return Path(path).name == "views.py" or Path(path).parent.name == "views"


# Names that only a manager or queryset answers to in this code base.
QUERY_ATTRIBUTES = {
    "objects",
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "select_related",
    "prefetch_related",
    "values_list",
    "order_by",
    "select_for_update",
}


def selectors_in_views(path: str, source: str) -> list[str]:
    """Module-level functions of a views module that take no request yet query models (through
    ``Model.objects`` or a related manager): reads for ``selectors``, not views or helpers."""
    if not _is_views_module(path):
        return []
    found = []
    for function in ast.parse(source).body:
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
        if params[:1] == ["request"]:
            continue
        if any(
            isinstance(n, ast.Attribute) and n.attr in QUERY_ATTRIBUTES for n in ast.walk(function)
        ):
            found.append(
                f"{_where(path, function)}: {function.name} reads models: move it to selectors"
            )
    return found


# --- An update saves the fields it changed ---------------------------------------------------


def _constructed(function: ast.AST) -> set[str]:
    """Names bound in ``function`` to a new instance: ``x = Model(...)`` (a capitalised call)."""
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called[:1].isupper():
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def saves_without_update_fields(path: str, source: str) -> list[str]:
    """``x.save()`` of a row that this function did not create, without ``update_fields``.

    A create is a ``x = Model(...)`` in the same function, or says so (``force_insert=True``).
    Calls with positional arguments are other ``save`` methods (files, storages, workbooks).
    The check reads names, not types: another object's argument-free ``save()`` would be
    reported too, which application code does not have.
    """
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        created = _constructed(function)
        for node in ast.walk(function):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "save"
                and not node.args
            ):
                continue
            receiver = node.func.value
            keywords = {k.arg for k in node.keywords}
            if (
                isinstance(receiver, ast.Call)  # super().save(...)
                or keywords & {"update_fields", "force_insert", "save"}
                or (isinstance(receiver, ast.Name) and receiver.id in created)
            ):
                continue
            found.append(f"{_where(path, node)}: an update saves with update_fields")
    # A nested function is walked with its parent too: one line, one finding.
    return sorted(set(found))


# --- Test helpers go by one name -------------------------------------------------------------


def misnamed_test_helpers(paths: list[str]) -> list[str]:
    """Modules in a ``tests`` package that are neither tests, conftest nor ``factories.py``."""
    return [
        f"{path}:1: helpers beside the tests go in {HELPER_MODULE}"
        for path in paths
        if "tests" in Path(path).parts
        and Path(path).name not in TEST_PACKAGE_FILES
        and not Path(path).name.startswith("test_")
    ]


# --- Only tests import tests --------------------------------------------------------------


def _from_tests(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or any(part.startswith("test_") for part in parts)


def imports_from_tests(path: str, source: str) -> list[str]:
    """Imports (static or through ``importlib.import_module``) of a tests package or module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            modules = [ast.unparse(node.args[0]).strip("f'\"")]
        found += [
            f"{_where(path, node)}: imports test code ({module}): share it through zhucan/testing"
            for module in modules
            if _from_tests(module)
        ]
    return found


# --- Each rule catches a bad example ---------------------------------------------------------


def test_urlpatterns_in_a_views_module_are_caught() -> None:
    source = "from django.urls import path\n\nurlpatterns = [path('', home)]\n"
    assert urlpatterns_outside_urls("app/views/pages.py", source) == [
        "app/views/pages.py:3: urlpatterns belong in the app's urls.py"
    ]
    assert urlpatterns_outside_urls("app/views.py", "urlpatterns: list = []\n")
    assert urlpatterns_outside_urls("app/views.py", "urlpatterns += extra\n")
    assert urlpatterns_outside_urls("app/urls.py", source) == []
    assert urlpatterns_outside_urls("app/views.py", "x = pages.urlpatterns\n") == []


def test_a_selector_in_a_views_module_is_caught() -> None:
    source = """
def visible_media(user):
    return MediaReport.objects.visible_to(user)

@login_required
def media_list(request):
    return render(request, "list.html", {"rows": MediaReport.objects.visible_to(request.user)})

def _querystring(request):
    return request.GET.urlencode()

def _label(report):
    return report.title

def open_children(campaign):
    return [c for c in campaign.children.filter(status="open")]
"""
    assert selectors_in_views("app/views/media.py", source) == [
        "app/views/media.py:2: visible_media reads models: move it to selectors",
        "app/views/media.py:15: open_children reads models: move it to selectors",
    ]
    assert selectors_in_views("app/views.py", source)
    assert selectors_in_views("app/selectors.py", source) == []


def test_an_update_without_update_fields_is_caught() -> None:
    source = """
def rename(*, by, plan, title):
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    locked.title = title
    locked.save()
"""
    assert saves_without_update_fields("app/services.py", source) == [
        "app/services.py:5: an update saves with update_fields"
    ]
    assert saves_without_update_fields("a.py", "def f(plan):\n    plan.notice.save()\n")


def test_creates_and_other_saves_pass() -> None:
    source = """
def create(*, by, title):
    plan = Plan(title=title)
    plan.save()
    other = build_plan(title)
    other.save(force_insert=True)

def update(*, plan, title):
    plan.title = title
    plan.save(update_fields=["title"])
    plan.file.save("plan.docx", content, save=False)
    workbook.save(buffer)
    default_storage.save(name, content)

class Plan:
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
"""
    assert saves_without_update_fields("app/services.py", source) == []


def test_a_helper_module_with_another_name_is_caught() -> None:
    paths = [
        "zhucan/app/tests/__init__.py",
        "zhucan/app/tests/conftest.py",
        "zhucan/app/tests/factories.py",
        "zhucan/app/tests/test_pages.py",
        "zhucan/app/tests/builders.py",
        "zhucan/app/tests/permission_builders.py",
        "zhucan/app/helpers.py",
    ]
    assert misnamed_test_helpers(paths) == [
        "zhucan/app/tests/builders.py:1: helpers beside the tests go in factories.py",
        "zhucan/app/tests/permission_builders.py:1: helpers beside the tests go in factories.py",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "from zhucan.core.tests.test_permissions import _url",
        "from zhucan.registry.tests import factories",
        "import zhucan.stats.tests.factories",
        "importlib.import_module(f'zhucan.{app}.tests.factories')",
    ],
)
def test_testing_importing_a_test_module_is_caught(line: str) -> None:
    source = f"import importlib\n\ndef walk(app):\n    {line}\n"
    module = "zhucan.{app}.tests.factories" if "importlib" in line else line.split()[1]
    assert imports_from_tests("zhucan/testing/browser.py", source) == [
        f"zhucan/testing/browser.py:4: imports test code ({module}): "
        "share it through zhucan/testing"
    ]


def test_testing_may_import_the_application_and_itself() -> None:
    source = "from zhucan.testing.urlwalk import URLS\nfrom zhucan.registry import selectors\n"
    assert imports_from_tests("zhucan/testing/browser.py", source) == []


# --- And the code keeps them ---------------------------------------------------------------


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT.parent))


def test_urlpatterns_are_listed_in_urls_modules_only() -> None:
    found = [
        line
        for path in _source_files()
        if not _in_tests(path)
        for line in urlpatterns_outside_urls(_rel(path), path.read_text())
    ]
    assert found == []


def test_views_modules_hold_no_selectors() -> None:
    found = [
        line
        for path in _source_files()
        if not _in_tests(path)
        for line in selectors_in_views(_rel(path), path.read_text())
    ]
    assert found == []


def test_updates_save_with_update_fields() -> None:
    # Application code only: test set-up saves sessions and rows as it likes.
    found = [
        line
        for path in _source_files()
        if _application(path)
        for line in saves_without_update_fields(_rel(path), path.read_text())
    ]
    assert found == []


def test_test_helpers_are_named_factories() -> None:
    assert misnamed_test_helpers([_rel(p) for p in _source_files() if _in_tests(p)]) == []


def test_only_tests_import_tests() -> None:
    # zhucan/testing, the application and the benchmarks: what they share with the tests lives
    # in zhucan/testing.
    outside = [p for p in _source_files() if not _in_tests(p)]
    outside += sorted((ROOT.parent / "bench").glob("*.py"))
    found = [line for path in outside for line in imports_from_tests(_rel(path), path.read_text())]
    assert found == []
