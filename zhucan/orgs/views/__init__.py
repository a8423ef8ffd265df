"""Pages for the organisation tree (organisations), its people (people) and the Excel import
(imports). Every page finds its object through ``zhucan.orgs.access`` first, so that anything
outside the person's jurisdiction is a 404, and only then checks the capability (403)."""
