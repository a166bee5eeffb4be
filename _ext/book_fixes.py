"""Sphinx fix for the pinned Jupyter Book stack, found by the browser test.

sphinx-thebe 0.3.1 and sphinx-togglebutton add inline scripts (``app.add_js_file(None, body=...)``)
after the HTML builder exists. Sphinx 7.4 then holds each of them twice: once as added to the
builder (filename ``None``) and once from its registry (filename ``""``), and its own duplicate
check treats ``None`` and ``""`` as different files. The page then declares ``const THEBE_JS_URL``
twice, and every page logs "Identifier 'THEBE_JS_URL' has already been declared". This hook
repeats Sphinx's duplicate check with the two spellings of "inline" made equal, keeping the first.
"""

from __future__ import annotations


def _drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items()))
        key = (getattr(script, "filename", None) or "", attributes)  # filename None and "" both mean inline
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _drop_repeated_scripts, priority=999)  # after other extensions
    return {"parallel_read_safe": True, "parallel_write_safe": True}
