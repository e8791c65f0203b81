"""Atom feeds of published announcements, all or per center and kind (?center=changde&kind=tender):
a bidder's reader follows a center's new tenders without visiting the site."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from centers.models import Center
from portal import selectors
from procurement.announcement_models import Announcement, AnnouncementKind

ITEMS = 50


class AnnouncementsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> selectors.Search:
        center, kind = request.GET.get("center", ""), request.GET.get("kind", "")
        if center and not Center.objects.filter(code=center).exists():
            raise Http404("没有这个交易中心。")
        if kind and kind not in AnnouncementKind.values:
            raise Http404("没有这种公告类型。")
        return selectors.Search(center=center, kind=kind)

    def title(self, obj: selectors.Search) -> str:
        center = Center.objects.filter(code=obj.center).first() if obj.center else None
        kind = AnnouncementKind(obj.kind).label if obj.kind else "交易公告"
        return f"{center.name if center else '公共资源交易平台'} · {kind}"

    def link(self, obj: selectors.Search) -> str:
        return reverse("portal:announcements")

    def subtitle(self, obj: selectors.Search) -> str:
        return "已发布的公告，最新在前。"

    def items(self, obj: selectors.Search) -> list[Announcement]:
        return list(selectors.announcements_search(obj)[:ITEMS])

    def item_title(self, item: Announcement) -> str:
        return item.document.title

    def item_description(self, item: Announcement) -> str:
        return f"{item.get_kind_display()} · {item.center.name} · 项目编号 {item.project.code}"

    def item_link(self, item: Announcement) -> str:
        return reverse("portal:announcement", args=[item.pk])

    def item_pubdate(self, item: Announcement) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Announcement) -> dt.datetime | None:
        return item.published_at
