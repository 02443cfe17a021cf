#!/usr/bin/env python3
"""LeNet5 beside PyTorch on this machine, in one run: builds the `lenet5` sample in Release, runs
`lenet5 bench --json` and then tools/bench_pytorch.py on the same workloads (one after the other, never at
the same time), and prints per workload PyTorch's images/s, LeNet5's, the ratio and each one's share of
the multiply-add peak that `lenet5 bench` measured.

    python3 tools/compare.py                     # classic and modern, about 20 s per tool and network
    python3 tools/compare.py --arch classic --seconds 40 --json > comparison.json
    python3 tools/compare.py --rounds 3          # the two tools alternately, three times each: medians and ranges

On a shared machine one run's ratio moves by up to 2-3x with the host's phases (each tool runs about 20 s, at
different moments); --rounds N alternates the tools N times per network and reports each one's median figure per
workload, the ratio of the two medians, and the range of the N rounds' own ratios.

Needs the .NET 10 SDK, and PyTorch for Debian's interpreter (the script runs /usr/bin/python3 for it; see
--python):

    sudo apt-get install python3-torch libopenblas0-pthread

This script itself needs only the Python standard library. PyTorch runs with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed from its environment (some machines set them for other software), so that
OpenBLAS detects the processor itself; --openblas-coretype forces a core instead (OpenBLAS falls back to
its slow Prescott kernels on a processor it does not know, which the report then points out). The report
names the BLAS library, its core and the threads in use.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "samples", "LeNet5.Mnist")
LENET5_DLL = os.path.join(SAMPLE, "bin", "Release", "net10.0", "LeNet5.Mnist.dll")
PYTORCH_SCRIPT = os.path.join(ROOT, "tools", "bench_pytorch.py")
UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
SLOW_OPENBLAS_CORES = {"prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine", "northwood"}


def fail(message):
    print(f"compare: {message}", file=sys.stderr)
    sys.exit(1)


def run_json(command, env=None):
    print("compare: running " + " ".join(command), file=sys.stderr, flush=True)
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if result.returncode != 0:
        fail(f"{os.path.basename(command[1] if len(command) > 1 else command[0])} exited with {result.returncode}: "
             + (result.stderr.strip().splitlines() or ["(no message)"])[-1])
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as e:
        fail(f"could not read the JSON of {' '.join(command)}: {e}")


def describe(figure):
    threads = f"{figure['threads']} thread" + ("s" if figure["threads"] != 1 else "")
    return f"{figure['kind']}, batch {figure['batch']}, {threads}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", choices=["classic", "modern", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=20.0, help="about how long each tool runs per network (default 20)")
    parser.add_argument("--no-build", action="store_true", help="use the lenet5 sample as already built in Release")
    parser.add_argument("--python", default="/usr/bin/python3", help="the interpreter that has PyTorch (default /usr/bin/python3)")
    parser.add_argument("--openblas-coretype", metavar="NAME", help="set OPENBLAS_CORETYPE for PyTorch, e.g. Haswell or SkylakeX, instead of unsetting it")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each tool per network, alternating (default 1, at most 100)")
    parser.add_argument("--json", action="store_true", help="print both tools' results and the ratios as one JSON object")
    args = parser.parse_args()
    if not (0 < args.seconds <= 86400):
        parser.error("--seconds must be a positive number of seconds (at most 86400)")
    if not (1 <= args.rounds <= 100):
        parser.error("--rounds must be a whole number from 1 to 100")

    try:
        has_torch = subprocess.run([args.python, "-c", "import torch"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        has_torch = False
    if not has_torch:
        fail(f"{args.python} cannot import torch. On Debian or Ubuntu: sudo apt-get install python3-torch libopenblas0-pthread")

    if not args.no_build:
        print("compare: building the lenet5 sample (Release)", file=sys.stderr, flush=True)
        build = subprocess.run(["dotnet", "build", os.path.join(SAMPLE, "LeNet5.Mnist.csproj"), "-c", "Release", "-nologo", "-v", "quiet"],
                               stdout=sys.stderr, stderr=sys.stderr)
        if build.returncode != 0:
            fail("the build failed (see above)")
    if not os.path.exists(LENET5_DLL):
        fail(f"the sample is not built: {LENET5_DLL}")

    torch_env = {k: v for k, v in os.environ.items() if k not in UNSET}
    if args.openblas_coretype:
        torch_env["OPENBLAS_CORETYPE"] = args.openblas_coretype
    removed = [k for k in UNSET if k in os.environ]

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    archs = ["classic", "modern"] if args.arch == "both" else [args.arch]
    results = []
    for arch in archs:
        seconds = f"{args.seconds:g}"
        rounds = []
        for _ in range(args.rounds):
            lenet5 = run_json(["dotnet", LENET5_DLL, "bench", "--arch", arch, "--seconds", seconds, "--json"])
            pytorch = run_json([args.python, PYTORCH_SCRIPT, "--arch", arch, "--seconds", seconds, "--json",
                                "--peak-gflops", repr(lenet5["peak_gflops"])], env=torch_env)
            rounds.append({"lenet5": lenet5, "pytorch": pytorch})
        rows = []
        # Per round, each tool's figures by workload key.
        keyed = [({f["key"]: f for f in r["lenet5"]["figures"]}, {f["key"]: f for f in r["pytorch"]["figures"]}) for r in rounds]
        for figure in rounds[0]["lenet5"]["figures"]:
            ours = [mine[figure["key"]] for mine, _ in keyed]
            theirs = [torch[figure["key"]] for _, torch in keyed if figure["key"] in torch]
            ours_ips = statistics.median(f["images_per_second"] for f in ours)
            theirs_ips = statistics.median(t["images_per_second"] for t in theirs) if len(theirs) == len(rounds) else None
            per_round = [o["images_per_second"] / t["images_per_second"] for o, t in zip(ours, theirs)] if theirs_ips else []
            rows.append({
                "key": figure["key"],
                "workload": f"{arch.capitalize()} {describe(figure)}",
                "pytorch": theirs_ips,
                "lenet5": ours_ips,
                "ratio": ours_ips / theirs_ips if theirs_ips else None,
                "ratio_per_round": per_round,
                "lenet5_share": statistics.median(f["share_of_peak"] for f in ours),
                "pytorch_share": statistics.median(t["share_of_peak"] for t in theirs) if theirs_ips and all(t.get("share_of_peak") for t in theirs) else None,
            })
        # "lenet5" and "pytorch" are the first round's reports (the machine, the runtime, every figure); "rounds" has them all.
        results.append({"arch": arch, "lenet5": rounds[0]["lenet5"], "pytorch": rounds[0]["pytorch"], "rounds": rounds, "rows": rows})

    if args.json:
        print(json.dumps({"unset": removed, "openblas_coretype": args.openblas_coretype, "load_average_before": load_before,
                          "rounds": args.rounds, "results": results}, indent=2))
        return

    first = results[0]
    lenet5, pytorch = first["lenet5"], first["pytorch"]
    print(f"cpu      {lenet5['cpu']}, {lenet5['processor_count']} logical processor(s)")
    print(f"peak     {lenet5['peak_gfma_per_core']:.1f} G fp32 multiply-adds/s per core, measured by lenet5 bench ({lenet5['peak_bits']}-bit)")
    print(f"LeNet5   {lenet5['runtime']}, {lenet5['simd']} vectors; training with {', '.join(sorted({r['lenet5']['optimizer'] for r in results}))}")
    print(f"PyTorch  {pytorch['runtime']}, {pytorch['simd']} kernels, oneDNN {'yes' if pytorch['mkldnn'] else 'no'}, {pytorch['parallel_backend']}; training with plain SGD")
    print(f"BLAS     {', '.join(pytorch['blas_libraries']) or 'unknown'}")
    print(f"         {pytorch['blas_config'] or 'not OpenBLAS'}; threads set per workload (torch and OpenBLAS)")
    env_note = ("removed " + " and ".join(removed)) if removed else f"{' and '.join(UNSET)} were not set"
    if args.openblas_coretype:
        env_note += f"; OPENBLAS_CORETYPE={args.openblas_coretype} forced"
    print(f"env      for PyTorch: {env_note}")
    if (pytorch.get("blas_core") or "").lower() in SLOW_OPENBLAS_CORES and lenet5["simd_bits"] >= 256:
        print(f"warning  OpenBLAS runs its {pytorch['blas_core']} kernels on a processor with {lenet5['simd_bits']}-bit vectors: it did not recognise it. "
              f"For a fairer PyTorch, rerun with --openblas-coretype Haswell (AVX2) or SkylakeX (AVX-512).")
    if load_before is not None and load_before > 0.5 * lenet5["processor_count"]:
        print(f"warning  the machine was busy before the run (load average {load_before:.1f} on {lenet5['processor_count']} logical processors): "
              "the figures, above all those on several threads, are unreliable.")
    print()
    width = max(len(r["workload"]) for res in results for r in res["rows"])
    spread, span_title = args.rounds > 1, "rounds' ratios"
    print(f"{'workload':<{width}}  {'PyTorch img/s':>13}  {'LeNet5 img/s':>12}  {'ratio':>7}" + (f"  {span_title:>15}" if spread else "")
          + f"  {'LeNet5 % peak':>13}  {'PyTorch % peak':>14}")
    for res in results:
        for r in res["rows"]:
            pt = f"{r['pytorch']:13,.0f}" if r["pytorch"] else f"{'-':>13}"
            ratio = f"{r['ratio']:6.1f}x" if r["ratio"] else f"{'-':>7}"
            span = (f"{min(r['ratio_per_round']):.1f}-{max(r['ratio_per_round']):.1f}x" if r["ratio_per_round"] else "-") if spread else None
            pts = f"{r['pytorch_share'] * 100:12.1f} %" if r["pytorch_share"] else f"{'-':>14}"
            print(f"{r['workload']:<{width}}  {pt}  {r['lenet5']:12,.0f}  {ratio}" + (f"  {span:>15}" if spread else "")
                  + f"  {r['lenet5_share'] * 100:11.1f} %  {pts}")
    print()
    each = f"Medians of {lenet5['repeats']} timed repeats within each run"
    if spread:
        each += f", then the median of {args.rounds} runs of each tool, the two tools alternating"
    print(f"{each}; both tools on the same generated images, never at the same time. "
          "Ratio = LeNet5 / PyTorch. Timings vary with load: compare on a quiet machine, and quote ratios, not absolute speeds.")


if __name__ == "__main__":
    main()
