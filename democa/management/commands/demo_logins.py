from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backoffice.management.commands.load_demo_staff import login_lines as staff_login_lines
from registry.management.commands import load_demo as demo


class Command(BaseCommand):
    help = "Print where the site is served and how to log in with the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        lines = [
            "",
            f"ggzy 公共资源交易平台: {url}",
            f"  登录页: {url}registry/login/    注册: {url}registry/register/",
            f"  演示账号（密码均为 {demo.DEMO_PASSWORD}）:",
            f"    单位·有效·已有资质业绩   衡阳示例建设工程有限公司  或 {demo.UNIT_VALID}",
            f"    单位·有效·变更中         常德示例招标代理有限公司  或 {demo.UNIT_CHANGING}",
            f"    单位·无效·刚注册         北京丰台示例科技有限公司  或 {demo.UNIT_NEW}",
            f"    自然人·有效              {demo.PERSON_VALID}（刘洋）",
            f"    自然人·无效              {demo.PERSON_NEW}（陈晓）",
            f"  平台运维后台: {url}admin/   账号 {demo.STAFF_USERNAME} / 密码 {demo.STAFF_PASSWORD}",
            *staff_login_lines(url),
            "  重设密码的邮件打印在本终端（控制台邮件后端）。",
            "",
        ]
        self.stdout.write("\n".join(lines))
