"""Starts the Genkit flow `greetFlow` from Python, by workflow type name, and prints its result as JSON.

Proves that another SDK needs nothing from this library: only the workflow type `runGenkitFlow` and its
single JSON argument.

Usage: python3 start_flow.py ADDRESS TASK_QUEUE [--namespace NS] [--workflow-id ID]
"""

import argparse
import asyncio
import json
import os
import sys
import uuid

from temporalio.client import Client


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("task_queue")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--workflow-id", default=f"python-interop-{uuid.uuid4()}")
    args = parser.parse_args()

    client = await Client.connect(args.address, namespace=args.namespace)
    result = await client.execute_workflow(
        "runGenkitFlow",
        {"flowName": "greetFlow", "input": {"name": "Py", "times": 2}},
        id=args.workflow_id,
        task_queue=args.task_queue,
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # The SDK's native runtime threads can crash the interpreter while it finalizes
    # ("PyGILState_Release ... finalizing"); the work is done, so skip finalization.
    os._exit(0)
