"""Filled in by its issue."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
