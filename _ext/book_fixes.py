"""Sphinx fixes for the pinned Jupyter Book stack, each found by the browser test.

- sphinx-thebe 0.3.1 registers its configuration script on every ``env-before-read-docs`` event,
  which Jupyter Book emits more than once per build. The page then declares ``const THEBE_JS_URL``
  twice, and every page logs "Identifier 'THEBE_JS_URL' has already been declared". Repeated
  script entries are dropped here, keeping the first of each.
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
