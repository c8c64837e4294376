"""Microsoft's PBIP/PBIR JSON schemas, read in place from
../shared/powerbi/json-schemas-fabric, with every reference resolved from
those files: nothing is downloaded."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import referencing
from referencing.jsonschema import DRAFT7

SCHEMAS = (
    Path(__file__).resolve().parents[3] / "shared" / "powerbi" / "json-schemas-fabric"
)
PUBLIC_ROOT = "https://developer.microsoft.com/json-schemas/fabric/"


@cache
def registry() -> referencing.Registry:
    """Each file under its public URL (its path below PUBLIC_ROOT, which is
    what the schemas' relative references resolve to), and under its own
    ``$id`` where that differs and no other file has that URL: a few
    ``$id``s name ``schema.embedded.json`` for a file called
    ``schema-embedded.json``, or another version's folder."""
    by_path = {}
    for path in sorted(SCHEMAS.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        by_path[PUBLIC_ROOT + path.relative_to(SCHEMAS).as_posix()] = contents
    resources = {}
    for url, contents in by_path.items():
        resource = referencing.Resource.from_contents(
            contents, default_specification=DRAFT7
        )
        resources[url] = resource
        own_id = contents.get("$id")
        if own_id and own_id not in by_path:
            resources.setdefault(own_id, resource)
    return referencing.Registry().with_resources(resources.items())


def schema_errors(document: dict) -> list[str]:
    """Why ``document`` does not validate against the schema its ``$schema``
    names; a ``$schema`` outside the stored schemas is itself an error."""
    url = document.get("$schema")
    if not isinstance(url, str):
        return ["no $schema"]
    try:
        schema = registry().contents(url)
    except referencing.exceptions.NoSuchResource:
        return [f"$schema {url} is not among the stored schemas"]
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, registry=registry())
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]
