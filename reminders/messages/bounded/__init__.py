"""Checks and bounded stand-ins for what a template can do in one step.

A single call into C (``'a'.center(10**9)``, ``'%999999999d' % 1``) cannot be interrupted
once it runs, so each operation that could build a huge value is checked *before* it runs:
padding and widths against ``WIDTH_MAX``, the size of the result against
``VALUE_MAX_CHARS``, counts against ``RANGE_MAX`` (``messages.limits``). What is built is
checked after it runs too (``limits.built``).

``formats`` bounds ``%`` and ``str.format``; ``calls`` the methods of the values templates
see and the operators; ``filters`` Jinja's filters and globals; ``code`` changes Jinja's
generated code where no sandbox hook reaches.
"""
