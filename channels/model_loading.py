"""Load DIET models in seconds: Rasa's throw-away training step at load runs eagerly.

Rasa 3.6 gives a loaded DIET model its variables by one training step on one example and
then overwrites them with the saved weights. Traced into a TensorFlow graph (with the
gradients of the entity CRF) that step took 33 of the 44 s from `rasa run` to the first
answer here (py-spy); run eagerly it takes about a second. Prediction is traced as before,
still at load time, so the first customer does not wait for it. The loaded model predicts
exactly what Rasa's own loading gives (tests/serving/test_model_loading.py). Imported by
the channels package, which every Rasa server of this project loads through credentials.yml.
"""
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData

_rasa_load_model_class = DIETClassifier._load_model_class.__func__


def _load_model_class(cls, tf_model_file, model_data_example, label_data, entity_tag_specs,
                      config, finetune_mode):
    if finetune_mode or config[RUN_EAGERLY]:
        return _rasa_load_model_class(cls, tf_model_file, model_data_example, label_data,
                                      entity_tag_specs, config, finetune_mode)
    model = _rasa_load_model_class(cls, tf_model_file, model_data_example, label_data,
                                   entity_tag_specs, {**config, RUN_EAGERLY: True}, finetune_mode)
    model.run_eagerly = False
    model.run_inference(RasaModelData(
        label_key=model_data_example.label_key,
        data={name: features for name, features in model_data_example.items() if TEXT in name},
    ))
    return model


DIETClassifier._load_model_class = classmethod(_load_model_class)
