#!/usr/bin/env python3
"""Two builds of the library timed side by side in one process: a change's speed-up, measured where the machine's
drift cannot fake one.

    python3 tools/ab_compare.py HEAD~1 HEAD                 # classic and modern, batches 1 and 64
    python3 tools/ab_compare.py main WORKTREE --arch classic --batches 1,64,256 --rounds 20

Each revision (WORKTREE: the working tree as it is, uncommitted changes included) is checked out into a temporary
git worktree and built in Release with a small driver (tools/ab/Driver.cs: `ComputeGradients` and `Forward` through
the public API) and both builds are loaded into one host process (tools/ab/Host.cs), each in an AssemblyLoadContext
of its own. The host alternates which build runs first in every round and reports the fastest round of each, in µs
per image over 512 generated images, on one thread: a shared machine's speed moves by up to 2x between runs minutes
apart, so two separate runs of `lenet5 bench` cannot show a 10 % change; two builds interleaved in one process can.

Needs only the .NET SDK and git. The temporary worktrees and builds are removed at the end.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AB = os.path.join(ROOT, "tools", "ab")

PROJECT = """<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    {extra}
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="{source}" />
    {reference}
  </ItemGroup>
</Project>
"""


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"ab_compare: {' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout


def build_driver(source_root, work, name):
    folder = os.path.join(work, "driver-" + name)
    os.makedirs(folder)
    library = os.path.join(source_root, "src", "LeNet5", "LeNet5.csproj")
    with open(os.path.join(folder, "Driver.csproj"), "w") as f:
        f.write(PROJECT.format(extra="<EnableDynamicLoading>true</EnableDynamicLoading>", source=os.path.join(AB, "Driver.cs"),
                               reference=f'<ProjectReference Include="{library}" />'))
    out = os.path.join(work, "out-" + name)
    run(["dotnet", "build", folder, "-c", "Release", "-o", out, "-nologo", "-v", "q"])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", help="the baseline: a git revision, or WORKTREE")
    parser.add_argument("b", help="the candidate: a git revision, or WORKTREE")
    parser.add_argument("--arch", choices=["classic", "modern", "both"], default="both")
    parser.add_argument("--batches", default="1,64", help="comma-separated batch sizes (default 1,64)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds per batch size; each figure is the fastest (default 10)")
    args = parser.parse_args()
    batches = [b.strip() for b in args.batches.split(",") if b.strip()]
    if not batches or not all(b.isdigit() and int(b) > 0 for b in batches):
        sys.exit(f"ab_compare: --batches {args.batches!r}: expected positive whole numbers separated by commas")
    if args.rounds < 1:
        sys.exit(f"ab_compare: --rounds {args.rounds}: expected at least 1")

    work = tempfile.mkdtemp(prefix="lenet5-ab-")
    worktrees = []
    try:
        outs = []
        for name, revision in (("a", args.a), ("b", args.b)):
            if revision == "WORKTREE":
                source = ROOT
            else:
                source = os.path.join(work, "tree-" + name)
                run(["git", "-C", ROOT, "worktree", "add", "--detach", source, revision])
                worktrees.append(source)
            print(f"ab_compare: building {name} = {revision}", file=sys.stderr)
            outs.append(build_driver(source, work, name))
        host = os.path.join(work, "host")
        os.makedirs(host)
        with open(os.path.join(host, "Host.csproj"), "w") as f:
            f.write(PROJECT.format(extra="<OutputType>Exe</OutputType>", source=os.path.join(AB, "Host.cs"), reference=""))
        host_out = os.path.join(work, "out-host")
        run(["dotnet", "build", host, "-c", "Release", "-o", host_out, "-nologo", "-v", "q"])
        print(f"A = {args.a}, B = {args.b}; one thread, the fastest of {args.rounds} rounds")
        for arch in (["classic", "modern"] if args.arch == "both" else [args.arch]):
            sys.stdout.write(run(["dotnet", os.path.join(host_out, "Host.dll"), outs[0], outs[1], arch, str(args.rounds), *batches]))
    finally:
        for tree in worktrees:
            subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", tree], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
