import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
application = get_wsgi_application()

# Load WeasyPrint and the CJK fonts now, in the background, not at the first "PDF" click.
from luoshi.printing import warm_up_in_background  # noqa: E402  (needs the settings above)

warm_up_in_background()
