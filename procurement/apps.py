from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    """采购业务: the agency's projects and lots at a center, venues, tender documents and the
    statutory clock that every date in them is checked against."""

    name = "procurement"
    verbose_name = "采购业务"

    def ready(self) -> None:
        import procurement.tenders  # noqa: F401  (registers its WITHDRAW_BLOCKERS check)
        from centers.menu import MenuItem, center_menu_add
        from procurement import announcement_review_handlers, review_handlers, rules, venue_review_handlers

        review_handlers.register()
        venue_review_handlers.register()
        announcement_review_handlers.register()
        # In the manual's order: 项目注册, 场地预约, 招标文件, 招标公告, 变更公告, 采购异常, 项目复评预约, 中标公告, 中标公告变更,
        # 废标公告 (004 §3.1, 3.3, 3.5, 3.7, 3.8, 3.9, 3.10, 3.11, 3.12, 3.13).
        center_menu_add(MenuItem("procurement", "采购业务", "procurement:projects", rules.ROLES))
        center_menu_add(MenuItem("venues", "场地预约", "procurement_venues:venues", rules.ROLES))
        center_menu_add(MenuItem("tenders", "招标文件", "procurement_tenders:tenders", rules.ROLES))
        center_menu_add(
            MenuItem("announcements", "招标公告", "procurement_announcements:announcements", rules.ROLES)
        )
        center_menu_add(
            MenuItem("corrections", "变更公告", "procurement_announcements:corrections", rules.ROLES)
        )
        center_menu_add(
            MenuItem("exceptions", "采购异常", "procurement_announcements:exceptions", rules.ROLES)
        )
        center_menu_add(
            MenuItem("re_evaluations", "项目复评预约", "procurement_venues:re_evaluations", rules.ROLES)
        )
        center_menu_add(MenuItem("awards", "中标公告", "procurement_announcements:awards", rules.ROLES))
        center_menu_add(
            MenuItem("award_changes", "中标公告变更", "procurement_announcements:award_changes", rules.ROLES)
        )
        center_menu_add(MenuItem("failures", "废标公告", "procurement_announcements:failures", rules.ROLES))
