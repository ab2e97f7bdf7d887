"""The classroom page (``neurosim page``): ``index.html``, ``page.js`` and ``page.css`` (package
data, copied into the site as they are) and :mod:`neurosim.page.bridge`, the Python the page
calls inside Pyodide. See docs/topics/page.rst."""
