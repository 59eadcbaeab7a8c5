"""Times networkx on the graph kernels' benchmark graph, as a yardstick.

Write the graph with the Go test helper, then run this on it:

    CASELINK_BENCH_GRAPH_NODES=100000 CASELINK_BENCH_GRAPH_OUT=/tmp/g100k.txt \\
        go test -run TestWriteBenchGraph ./internal/network/graph/
    python3 internal/network/graph/testdata/networkx_bench.py /tmp/g100k.txt \\
        components pagerank louvain betweenness

Each measure is run once and its wall time printed. PageRank uses networkx's
pure-Python power iteration when SciPy is missing (networkx 3 needs SciPy for
nx.pagerank); it has the same defaults. Betweenness samples K sources
(env K, default 100) and counts hops, as the Go kernel does.
"""

import os
import sys
import time

import networkx as nx


def load(path):
    g = nx.Graph()
    with open(path) as f:
        n = int(f.readline().split()[2])
        g.add_nodes_from(range(n))
        g.add_weighted_edges_from(
            (int(u), int(v), float(w)) for u, v, w in (line.split() for line in f)
        )
    return g


def pagerank(g):
    try:
        import scipy  # noqa: F401

        return nx.pagerank(g, alpha=0.85, tol=1e-6, max_iter=100)
    except ImportError:
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

        return _pagerank_python(g, alpha=0.85, tol=1e-6, max_iter=100)


MEASURES = {
    "components": lambda g: sum(1 for _ in nx.connected_components(g)),
    "pagerank": lambda g: len(pagerank(g)),
    "louvain": lambda g: nx.community.modularity(
        g, nx.community.louvain_communities(g, resolution=1, seed=1)
    ),
    "betweenness": lambda g: max(
        nx.betweenness_centrality(g, k=int(os.environ.get("K", "100")), seed=1).values()
    ),
}


def main():
    t = time.perf_counter()
    g = load(sys.argv[1])
    print(f"load: {time.perf_counter() - t:.2f} s, {g.number_of_nodes()} nodes, "
          f"{g.number_of_edges()} edges, networkx {nx.__version__}", flush=True)
    for name in sys.argv[2:]:
        t = time.perf_counter()
        result = MEASURES[name](g)
        print(f"{name}: {time.perf_counter() - t:.2f} s (result {result})", flush=True)


if __name__ == "__main__":
    main()
