"""The registry's Excel import: sheets that offices already keep, checked row by row.

- ``reading``: the untrusted workbook, opened safely (zip and XML bombs, size limits) and read
  with python-calamine, row by row.
- ``mapping``: which column holds which field, guessed from common Chinese headers and saved
  per organisation when the person adjusts it.
- ``checking``: every cell parsed and every row judged by ``services.people.check_person``,
  plus the checks only a whole file can make (the same person twice, people already
  registered); each problem with its row, column letter and header.
- ``saving``: the rows written in one transaction, in batches (``COPY`` on PostgreSQL, else
  ``bulk_create``, of ``stored_columns`` values; ``bulk_update`` for merges), with one audit
  entry.
- ``jobs``: the import job from upload to done (dry run and import run as background work),
  idempotent on the file, the organisation and the options.
"""
