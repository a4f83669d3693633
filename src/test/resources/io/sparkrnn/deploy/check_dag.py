"""Reads an Airflow DAG file's syntax tree (no Airflow needed) and prints, as JSON, every task's operator and
its static arguments; fails (exit 1, a message on stderr) when the file does anything at import time but build
the DAG, or when an argument is not a static value. Used by DagSyntaxTest: python3 check_dag.py DAG_FILE"""
import ast
import json
import sys

# The only calls allowed at import time: building the DAG and its tasks (nothing read, nothing run).
ALLOWED_CALLS = {"DAG", "SparkSubmitOperator", "datetime", "timedelta"}


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def called_name(call):
    return call.func.id if isinstance(call.func, ast.Name) else ast.unparse(call.func)


def static_value(node, names):
    """The value of a constant expression: literals, names bound to them at module level, lists, dicts, +."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in names:
        return static_value(names[node.id], names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return static_value(node.left, names) + static_value(node.right, names)
    if isinstance(node, ast.List):
        return [static_value(e, names) for e in node.elts]
    if isinstance(node, ast.Dict):
        return {static_value(k, names): static_value(v, names) for k, v in zip(node.keys, node.values)}
    raise ValueError("not a static value: " + ast.unparse(node))


def main(path):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    compile(source, path, "exec")  # a syntax error fails here, as it would in the scheduler
    tree = ast.parse(source, path)
    names = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            fail("line %d: a function; the DAG is expected to run no code of its own" % node.lineno)
        if isinstance(node, ast.Call) and called_name(node) not in ALLOWED_CALLS:
            fail("line %d: %s(...) runs at import time" % (node.lineno, called_name(node)))
    tasks = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and called_name(node).endswith("Operator"):
            try:
                arguments = {k.arg: static_value(k.value, names) for k in node.keywords}
            except ValueError as e:
                fail("line %d: %s" % (node.lineno, e))
            tasks.append({"operator": called_name(node), "line": node.lineno, "arguments": arguments})
    print(json.dumps({"tasks": tasks}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
