#!/usr/bin/python3
"""A KServe v2 / Open Inference Protocol client in Python, generated from the official
grpc_predict_v2.proto alone (proto/src/main/proto/inference/): nothing of CommandCenter's own
contracts. The stubs are generated at start with grpc_tools.protoc into a scratch directory; the
client checks the server, reads a model's metadata, scores rows built from that metadata alone, and
sends one bad request.

    /usr/bin/python3 client.py [--hub localhost:50051] [--project oip-demo] [--token KEY] [--model service_health]

Needs Debian's python3-grpcio and python3-grpc-tools (bin/install-python-grpc). The key (an API key,
or the hub's admin.key) comes from --token, else CC_TOKEN; it is sent as `authorization: Bearer <key>`,
the project as `x-cc-project`. Prints one JSON object with what it saw; exits 0 when the hub answered
as the protocol says.
"""
import argparse
import importlib
import json
import os
import sys
import tempfile

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.join(HERE, "..", "..", "proto", "src", "main", "proto", "inference")


def stubs():
    """Generates the protocol's message and service modules from the official proto file."""
    out = tempfile.mkdtemp(prefix="oip-python-")
    code = protoc.main(["protoc", "-I" + PROTO_DIR, "--python_out=" + out, "--grpc_python_out=" + out,
                        os.path.join(PROTO_DIR, "grpc_predict_v2.proto")])
    if code != 0:
        sys.exit("oip client: protoc failed with %d" % code)
    sys.path.insert(0, out)
    return importlib.import_module("grpc_predict_v2_pb2"), importlib.import_module("grpc_predict_v2_pb2_grpc")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", default="localhost:50051")
    parser.add_argument("--project", default="oip-demo")
    parser.add_argument("--token", default=os.environ.get("CC_TOKEN", ""))
    parser.add_argument("--model", default="service_health")
    args = parser.parse_args()
    pb, rpc = stubs()

    metadata = [("x-cc-project", args.project)]
    if args.token:
        metadata.append(("authorization", "Bearer " + args.token))
    with grpc.insecure_channel(args.hub) as channel:
        client = rpc.GRPCInferenceServiceStub(channel)

        def call(method, request):
            return getattr(client, method)(request, metadata=metadata, timeout=30)

        live = call("ServerLive", pb.ServerLiveRequest())
        if not live.live:
            sys.exit("oip client: ServerLive answered not live")
        ready = call("ServerReady", pb.ServerReadyRequest())
        server = call("ServerMetadata", pb.ServerMetadataRequest())
        model_ready = call("ModelReady", pb.ModelReadyRequest(name=args.model))
        meta = call("ModelMetadata", pb.ModelMetadataRequest(name=args.model))

        # two rows, from the metadata alone: row 0 all zeros, row 1 every feature at 0.5
        rows = 2
        inputs = [pb.ModelInferRequest.InferInputTensor(
            name=t.name, datatype=t.datatype, shape=[rows],
            contents=pb.InferTensorContents(fp32_contents=[0.0, 0.5])) for t in meta.inputs]
        infer = call("ModelInfer", pb.ModelInferRequest(model_name=args.model, id="python-1", inputs=inputs))
        outputs = {o.name: list(o.contents.fp32_contents) for o in infer.outputs}
        top = json.loads(infer.parameters["top_factors"].string_param)

        bad_input = pb.ModelInferRequest.InferInputTensor()
        bad_input.CopyFrom(inputs[0])
        bad_input.name = "no_such_feature"
        try:
            call("ModelInfer", pb.ModelInferRequest(model_name=args.model, inputs=[bad_input]))
            bad_code, bad_message = "OK", ""
        except grpc.RpcError as e:
            bad_code, bad_message = e.code().name, e.details()

    print(json.dumps({
        "live": live.live,
        "ready": ready.ready,
        "server": server.name,
        "modelReady": model_ready.ready,
        "inputs": [t.name for t in meta.inputs],
        "outputs": [t.name for t in meta.outputs],
        "id": infer.id,
        "modelVersion": infer.model_version,
        "risk": outputs.get("risk"),
        "confidence": outputs.get("confidence"),
        "topFactors": [[f["feature"] for f in row] for row in top],
        "recommendedAction": json.loads(infer.parameters["recommended_action"].string_param),
        "badCode": bad_code,
        "badMessage": bad_message,
    }, separators=(",", ":")))


if __name__ == "__main__":
    main()
