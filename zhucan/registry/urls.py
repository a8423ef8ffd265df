app_name = "registry"

# Each views module lists its own patterns, so that the parts of the app stay apart.
urlpatterns: list = []
