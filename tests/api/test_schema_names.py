"""Two schemas of one name are one component of the OpenAPI document: ninja keeps one of them, and clients
(and the fuzzing) then read the other operation's answers against the wrong shape. Each name is one shape."""

from collections import defaultdict

from ninja import Schema

import luoshi.api  # noqa: F401  (imports every router, so every schema class exists)


def _all(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found += _all(sub)
    return found


def test_schemas_of_one_name_have_one_shape():
    by_name: dict[str, dict[str, type]] = defaultdict(dict)
    for cls in _all(Schema):
        if cls.__module__.startswith("luoshi."):
            by_name[cls.__name__][f"{cls.__module__}.{cls.__qualname__}"] = cls
    clashes = []
    for name, classes in by_name.items():
        shapes = {repr(sorted(c.model_json_schema().get("properties", {}).items())) for c in classes.values()}
        if len(shapes) > 1:
            clashes.append((name, sorted(classes)))
    assert not clashes, clashes
