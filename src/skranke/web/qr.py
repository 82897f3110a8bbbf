"""QR codes as inline SVG (segno): no image request, nothing from outside, printable on a receipt."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An SVG QR code of `url`, safe to put in a template (segno writes only the SVG of the code)."""
    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=scale, border=2, title=None, svgclass="skranke-qr", lineclass=None))
