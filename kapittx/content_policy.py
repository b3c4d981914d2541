"""Where a page needs more than the site-wide Content-Security-Policy, and why."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update

#: A page showing an email as it is sent, in a sandboxed frame that runs no script. The
#: frame's document (``srcdoc``) inherits the page's policy, and an email carries its
#: styles inline and its images (a logo) from elsewhere, so the page allows inline
#: styles and outside images; scripts stay as strict as everywhere.
shows_email_html = csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["https:", "data:"]})
