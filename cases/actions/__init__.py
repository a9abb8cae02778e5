"""The use cases of risk cases, one module per family (as zulip's ``zerver/actions/``):

- ``cases``: who may do what, references, registering and editing a case, the workflow;
- ``follow_ups``: follow-ups and attachments;
- ``orders``: supervision orders (督办单) and their extensions;
- ``links``: links between cases and merging a duplicate into its survivor.

Each use case checks the user's right, changes the rows and writes the history in one
transaction; a refusal raises ``ValidationError`` saying why and changes nothing.
Callers import from here (``from cases import actions``), which names what is used
outside the package; the rest is imported from its module.
"""

from cases.actions.cases import (
    EDITABLE_FIELDS,
    TRANSITIONS,
    allocate_references,
    allowed_transitions,
    can_register,
    can_reveal_personal_data,
    can_work_on,
    eligible_owners,
    register_case,
    transition,
    update_case,
)
from cases.actions.follow_ups import add_attachment, add_attachments, log_follow_up
from cases.actions.links import (
    can_link,
    can_merge,
    link_cases,
    merge_cases,
    register_and_link,
    unlink_cases,
    visible_other,
)
from cases.actions.orders import (
    acknowledge_order,
    allowed_order_steps,
    answer_order,
    can_issue_order,
    close_order,
    decide_extension,
    issue_order,
    issue_order_refusal,
    order_levels,
    request_extension,
    return_order,
)
