"""Placeholder filled in by this issue."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
