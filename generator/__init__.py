"""The city practice repository's static-site generator.

The pipeline, one module per stage, data flowing one way::

    source.py   read files, split front matter, YAML with the line of every field
    records.py  validate into typed, immutable records (model.py), with converters.py and addresses.py
    content.py  load_content(): the two stages above for a whole content folder
    site.py     assemble(): pages, taxonomies, cross-references, back-links
    render.py   Jinja2 templates -> RenderedFile(path, bytes), pure
    output.py   write a staging folder and swap it in atomically
    search.py   Pagefind over the written site
    build.py    the pipeline as one function; cli.py is a thin layer over it
"""

__version__ = "0.1.0"
