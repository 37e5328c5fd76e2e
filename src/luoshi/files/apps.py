from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "luoshi.files"
    label = "files"
