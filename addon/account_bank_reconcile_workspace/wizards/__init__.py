from . import bankrec_rule_preview
