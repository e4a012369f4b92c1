"""Call DIET's traced prediction directly, without TensorFlow's per-call argument matching.

Rasa 3.6 runs each message through a `tf.function` with a fixed input signature. On every
call TensorFlow matches the nested numpy inputs against that signature again, shape by
shape, before it runs the one graph there is: 11 % of the Rasa process's CPU under load,
more than the graph itself (`make bench-load`, py-spy). The inputs come from Rasa's own
batching, in the dtypes and ranks the signature was made from, so they are converted and
handed to the traced graph the way TensorFlow does after its checks. The first call still
goes through TensorFlow (it traces the graph); the predictions are the same, bit for bit
(tests/serving/test_model_loading.py).
"""
from typing import Any, Dict, Text, Tuple
from weakref import WeakKeyDictionary

import numpy as np
import tensorflow as tf
from keras.utils import tf_utils
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.utils.tensorflow.models import RasaModel

_rasa_predict = RasaModel._rasa_predict
_graphs: "WeakKeyDictionary[Any, Tuple[Any, Tuple[tf.DType, ...]]]" = WeakKeyDictionary()


def _predict(self: RasaModel, batch_in: Tuple[np.ndarray, ...]) -> Dict[Text, Any]:
    traced = self._tf_predict_step
    if self._run_eagerly or traced is None:
        return _rasa_predict(self, batch_in)
    found = _graphs.get(traced)
    if found is None:
        found = _graphs[traced] = (
            traced.get_concrete_function(),
            tuple(spec.dtype for spec in tf.nest.flatten(traced.input_signature)),
        )
    graph, dtypes = found
    if len(batch_in) != len(dtypes):
        return _rasa_predict(self, batch_in)
    inputs = [tf.convert_to_tensor(value, dtype) for value, dtype in zip(batch_in, dtypes)]
    outputs = tf_utils.sync_to_numpy_or_python_type(graph._call_flat(inputs, graph.captured_inputs))
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs


RasaModel._rasa_predict = _predict
