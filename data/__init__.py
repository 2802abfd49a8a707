"""globalfit's data files (installed as the package `globalfit.data`): one folder per experiment with its
catalog.yaml; catalog.yaml here lists the files outside the folders (see globalfit.catalog)."""
