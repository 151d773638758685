"""The page cache: public pages and values kept until the public content changes.

The apps use it through a few names:

- ``generation.retire_on_change(*models)``: a save, delete or change of links
  of one of ``models`` retires every cached page, in the same transaction;
  ``generation.retire_pages()`` does it for changes made without signals;
- ``generation.register_schedule(next_publication)``: content that becomes
  public by itself at a time retires the pages when the time comes;
- ``pages.public_page(view, params)``: the view's answers to anonymous
  visitors may be stored; ``pages.register_fill_in(render)``: what is put
  afresh into every stored page (the site's header);
- ``memo.memo(name, compute)``: a value kept until the content changes.
"""
