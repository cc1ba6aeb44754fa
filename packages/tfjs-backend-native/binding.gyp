{
  "targets": [
    {
      "target_name": "worldmodels_native",
      "sources": ["native/addon.cc"],
      "include_dirs": ["native"],
      "cflags_cc": ["-O3", "-std=c++17", "-fopenmp", "-march=native", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl", "-fopenmp"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
