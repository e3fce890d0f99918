"""Check a loss or a metric a learner wrote against Keras's conventions, in plain words.

``check_loss(fn)`` and ``check_metric(metric)`` run the learner's code the way Keras runs
it (float32 tensors, a compiled training step, sample weights, a save/load config round
trip) and report each problem as a :class:`Finding`: a stable short ``code`` that tests
can match, and a ``message`` that says what went wrong, what was measured and how to fix
it. They never raise because the learner's code is broken: an exception inside a check
becomes a finding of that check. They do raise ``ValueError`` when the checker itself is
called wrongly (an unknown ``inputs``, a batch of one sample).

Loss checks (``LOSS_CHECKS``, in the order they run):

=============  ==============================================================================
exception      it can be called the way Keras calls it (float32 tensors) without an error
float32        it works on float32 tensors and returns float32 values
shape          one value per sample, shape (B,); a scalar breaks sample weighting
batch_size     it also works on another batch size (a hard-coded vector breaks here)
gradient       a gradient reaches y_pred and is not zero everywhere, nor NaN
sample_weight  Keras's weighted loss equals the reduction of the weighted per-sample losses
config         a Loss subclass survives ``from_config(get_config())`` with the same values
registered     ``keras.saving`` can rebuild it without ``custom_objects=``
compiled       it trains inside a compiled step (``model.train_on_batch``, run_eagerly=False)
reference      its per-sample values equal ``reference(y_true, y_pred)`` on random inputs
=============  ==============================================================================

Metric checks (``METRIC_CHECKS``): exception, dtype, shape, reset, batches,
sample_weight, config, compiled, reference (see :func:`check_metric`). Fold-loop checks
(``FOLD_LOOP_CHECKS``): runs, scores, fresh_models, reference (see :func:`check_fold_loop`).

One framework (``_framework``): every check is a function ``check(context) -> (status,
message)`` registered under its code with ``@_check(kind, code)``, in the order it runs;
each checker builds a shared context and calls ``_run_checks``, the one loop, which turns
the learner's exceptions into findings and skips the rest when a check raises ``_Stop``.
One result type (:class:`CheckResult` of :class:`Finding` with a :class:`Status`), one
printer (``CheckResult.report``).

=================  ===================================================================
module             what it holds
=================  ===================================================================
``_framework``     Status, Finding, CheckResult; the registry, ``_Stop``, ``_run_checks``
``_common``        the checkers' argument checks, random inputs, tiny model, comparisons
``_loss_calls``    a loss called the ways Keras calls it; keras_loss_value
``loss``           the loss checks and check_loss (gradient by the backend's autodiff)
``metric``         the metric checks and check_metric
``fold_loop``      the fold-loop checks and check_fold_loop
=================  ===================================================================

Keras is imported inside the functions (``import lossviz.checks`` stays light); the
gradient check asks the backend's own autodiff (``tf.GradientTape`` on TensorFlow,
``jax.grad`` on JAX).
Taught in: notebooks/03_custom_losses.ipynb
"""

# Names lossviz.checks had before it became a package, kept outside __all__: the accepted
# values of ``inputs=`` and the Status shorthands.
from lossviz.checks._common import INPUT_KINDS  # noqa: F401
from lossviz.checks._framework import FAIL, PASS, SKIP, CheckResult, Finding, Status  # noqa: F401
from lossviz.checks._loss_calls import keras_loss_value
from lossviz.checks.fold_loop import FOLD_LOOP_CHECKS, check_fold_loop
from lossviz.checks.loss import LOSS_CHECKS, check_loss
from lossviz.checks.metric import METRIC_CHECKS, check_metric

__all__ = [
    "Status",
    "Finding",
    "CheckResult",
    "check_loss",
    "check_metric",
    "check_fold_loop",
    "keras_loss_value",
    "LOSS_CHECKS",
    "METRIC_CHECKS",
    "FOLD_LOOP_CHECKS",
]
