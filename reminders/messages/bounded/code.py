"""Jinja's code generator, changed where the generated code does work no sandbox hook sees:
each step of a ``for`` loop, ``~``, list and dict literals, slices, and captured output
(macros, ``{% set %}`` and ``{% filter %}`` blocks) go through the environment's counted
versions (``sandbox._Sandbox``)."""

from collections.abc import Callable, Iterable
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

from reminders.messages import limits


class BoundedCode(CodeGenerator):
    """Jinja's code generator, routing what the sandbox hooks do not see through the budget."""

    _loop_iterables: frozenset[int] | set[int] = frozenset()

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        # What each ``for`` loop runs over is counted, step by step.
        self._loop_iterables = {id(loop.iter) for loop in node.find_all(nodes.For)}
        super().visit_Template(node, frame)

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) not in self._loop_iterables:
            return super().visit(node, *args, **kwargs)
        self.write("environment.iterate(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def buffer(self, frame: Frame) -> None:
        # Captured output (macros, {% set %} and {% filter %} blocks) is counted as it grows.
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined(context.eval_ctx, (")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self._literal(super().visit_List, node, frame)

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self._literal(super().visit_Dict, node, frame)

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx == "load":
            self._literal(super().visit_Tuple, node, frame)
        else:
            super().visit_Tuple(node, frame)

    def _literal(self, visit: Callable[[Any, Frame], None], node: nodes.Expr, frame: Frame) -> None:
        # A literal may repeat a large value many times: [s, s, s, ...].
        self.write("environment.literal(")
        visit(node, frame)
        self.write(")")

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        if not isinstance(node.arg, nodes.Slice):
            return super().visit_Getitem(node, frame)
        self.write("environment.sliced(")
        self.visit(node.node, frame)
        for bound in (node.arg.start, node.arg.stop, node.arg.step):
            self.write(", ")
            if bound is None:
                self.write("None")
            else:
                self.visit(bound, frame)
        self.write(")")


class OutputBuffer(list):
    """Captured output that may not grow past ``VALUE_MAX_CHARS``."""

    __slots__ = ("chars",)

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0

    def append(self, text: str) -> None:
        self._count(len(text))
        super().append(text)

    def extend(self, texts: Iterable[str]) -> None:
        texts = tuple(texts)
        self._count(sum(map(len, texts)))
        super().extend(texts)

    def _count(self, chars: int) -> None:
        self.chars += chars
        limits.too_long("the captured output", self.chars)
        limits.spend(chars)
