"""Run a loaded model's graph node by node, without dask's scheduler.

For every message Rasa 3.6 runs the NLU graph once and the policy graph two to four
times, each through `dask.get`, which orders and schedules the graph again each time, and
cuts out the part needed for the targets again: 10 % of the Rasa process's CPU under load
(`make bench-load`, py-spy), for graphs of a dozen nodes run on one thread. Here each
needed node runs once, after the nodes it needs, with the same inputs and outputs as under
dask (tests/serving/test_graph_runner.py). Only Rasa servers apply it: `rasa train`, `rasa test`
and `make bench-nlu` keep dask.
"""

from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

rasa_run = DaskGraphRunner.run
_needs_by_targets: Dict[
    Tuple[int, Tuple[Text, ...]], Tuple[GraphSchema, Dict[Text, List[Text]]]
] = {}


def _needs(schema: GraphSchema, targets: Tuple[Text, ...]) -> Dict[Text, List[Text]]:
    key = (id(schema), targets)
    found = _needs_by_targets.get(key)
    if found is None or found[0] is not schema:
        minimal = schema.minimal_graph_schema(list(targets))
        found = _needs_by_targets[key] = (
            schema,
            {name: list(node.needs.values()) for name, node in minimal.nodes.items()},
        )
    return found[1]


def _run(
    self: DaskGraphRunner,
    inputs: Optional[Dict[Text, Any]] = None,
    targets: Optional[List[Text]] = None,
) -> Dict[Text, Any]:
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    needs = _needs(self._graph_schema, run_targets)
    results: Dict[Text, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in needs:
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of "
                f"the input names passed to the `run` method are the same as node names "
                f"in the graph schema."
            )
        results[name] = (name, value)

    def output(name: Text) -> Any:
        if name not in results:
            if name not in needs:  # as in dask: a name that is no node stays a name
                return name
            node: Callable[..., Any] = self._instantiated_nodes[name]
            results[name] = node(*(output(need) for need in needs[name]))
        return results[name]

    try:
        return dict(output(target) for target in run_targets)
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def apply() -> None:
    DaskGraphRunner.run = _run
