"""The public pages the drill's visitors read (the locustfile and the after-check share them)."""

PUBLIC_PAGES = [
    ("public: city site", "/p/410400/"),
    ("public: county site", "/p/410422/"),
    ("public: what's on", "/p/410422/whats-on/"),
    ("public: city what's on", "/p/410400/whats-on/"),
    ("public: stories", "/p/410400/stories/"),
    ("public: services", "/p/410422/services/"),
    ("public: text-only site", "/p/410422/text/"),
]
PUBLIC_PATHS = [path for _name, path in PUBLIC_PAGES]
