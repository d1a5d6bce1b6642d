"""A Babel extractor for the data files whose text people read: the questionnaire and the vocabularies.

Named in babel.cfg (`[extractors] yaml = portal.i18n.extract:extract_yaml`). Each mapping section says
which keys hold text (`keys = title hint label`); every string under such a key, or in a list under it
(an outcome's `lines`), becomes a message, exactly as YAML reads it, so `_(block.title)` finds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

Message = tuple[int, str | None, str, list[str]]


def extract_yaml(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, str]) -> Iterator[Message]:
    keys = set(options.get("keys", "").split())
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if root is not None:
        yield from _walk(root, keys, text=False)


def _walk(node: yaml.Node, keys: set[str], text: bool) -> Iterator[Message]:
    if isinstance(node, yaml.ScalarNode):
        if text and node.tag == "tag:yaml.org,2002:str" and node.value.strip():
            yield node.start_mark.line + 1, None, node.value, []
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item, keys, text)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _walk(value, keys, isinstance(key, yaml.ScalarNode) and key.value in keys)
