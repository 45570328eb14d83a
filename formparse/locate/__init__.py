"""Find a schema's labels on a grid, whatever arrangement the submitter drew, and say where every value is.

Labels are the anchors; geometry is evidence, never an assumption. Locating is an assignment:

1. **Index.** Every visible cell whose folded text is one of the schema's labels — bare, with a colon, or
   with its value inline after the colon — is indexed once.
2. **Slots.** Each block kind (the registry, :mod:`.kinds`) says which labels it needs: a field, a group or
   section label, a column of a table, an office of a box. A slot whose label is found once, in a cell
   no other slot wants, is placed directly.
3. **Assignment by score.** Labels found several times (合计 ×3, 联系电话 ×2, a label also typed as a
   value) are assigned to their slots together, choosing the assignment that best agrees with the
   labels already placed in each slot's family (its block, or its group): a slot's cell should come
   after its earlier siblings and before its later ones in reading order, and lie near them. Where a
   value reads exactly like a label, the cells' own signs decide first (:class:`.signs.Signs`): a label's
   colon, a heading merged over its family; a cell that is a placed field's only value place, or that lies
   in another table's column under its header, is a value. The measure is :class:`.scoring.Cost`, a named
   record compared field by field. Two assignments that score the same are an ambiguity, reported with
   both cells — never guessed.
4. **Values.** Each block kind takes its values from its placed labels (``formparse.geometry`` holds
   the rules: the value right of or below a label, a section's rows, a table's continuation).

Afterwards every non-empty cell is accounted for: a label, a value that was read, a printed note — or
a coverage warning naming its address. The reader and the writer share the resulting :class:`Layout`.

The package, one concern a module (each imports only those listed before it):

- ``layout``: what locating yields (:class:`Layout` and the block locations), ``slots``: :class:`.slots.Slot`;
- ``inline``: values typed in a label's own cell; ``index``: step 1, the label index and each slot's candidates;
- ``signs``: what a candidate's surroundings say; ``placement``: which cell each slot took;
- ``context``: what the value rules share; ``kinds``: the registry, one module per block kind;
- ``scoring``: the :class:`.scoring.Cost` of a cell for a slot; ``cache``: placements remembered per template;
- ``assign``: steps 2-4 (:func:`place`); ``standins``: blocks placed by their members;
- ``coverage``: the cells nothing read; ``locator``: the whole (:func:`locate`).

Only the names below are the package's interface; its modules are free to change.
"""

from .assign import place
from .cache import PLACEMENTS as _PLACEMENTS
from .cache import clear_placements
from .context import Context
from .inline import split_inline as _split_inline
from .inline import split_items
from .kinds import KINDS, all_labels, known_labels
from .layout import BoxesLoc, FieldLoc, Layout, ListLoc, TableLoc, TablePart
from .locator import locate, score

__all__ = [
    "KINDS", "BoxesLoc", "Context", "FieldLoc", "Layout", "ListLoc", "TableLoc", "TablePart", "_PLACEMENTS",
    "_split_inline", "all_labels", "clear_placements", "known_labels", "locate", "place", "score", "split_items",
]
