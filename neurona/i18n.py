"""Side: the labs' words in English (the default) or Spanish, in one small catalogue.

``neurona lab NAME --lang es`` (or ``NEURONA_LANG=es``) prints the labs' text and labels their
plots in Spanish. The English text is the key; a missing translation shows the English.
"""

from __future__ import annotations

import os

__all__ = ["lang", "text"]

_ES = {
    # the command and the report
    "report folder": "carpeta del informe",
    "note": "nota",
    # plot axes and legends
    "epoch": "época",
    "loss": "pérdida",
    "training": "entrenamiento",
    "validation": "validación",
    "accuracy": "exactitud",
    "value": "valor",
    "date": "fecha",
    "price (USD)": "precio (USD)",
    "actual": "real",
    "class": "clase",
    "prediction": "predicción",
    "step": "paso",
    "learning rate": "tasa de aprendizaje",
    "units": "unidades",
    "time (s)": "tiempo (s)",
    "library": "biblioteca",
    # the labs' text
    "data": "datos",
    "test accuracy": "exactitud en prueba",
    "train accuracy": "exactitud en entrenamiento",
    "final loss": "pérdida final",
    "synthesised data": "datos sintetizados",
    "architecture": "arquitectura",
    "optimizer": "optimizador",
    "initialisation": "inicialización",
    "regularisation": "regularización",
    "normalisation": "normalización",
    "raw inputs": "entradas sin normalizar",
    "standardised inputs": "entradas estandarizadas",
    "too small": "demasiado pequeña",
    "good": "adecuada",
    "too large": "demasiado grande",
    "diverged": "divergió",
    "trajectories of the optimisers": "trayectorias de los optimizadores",
    "decision boundary": "frontera de decisión",
    "features": "características",
    "problem": "problema",
    "minimum": "mínimo",
    "gap (train − test)": "brecha (entrenamiento − prueba)",
    "not installed": "no instalado",
    "one-variable regression": "regresión de una variable",
    "bribes": "sobornos",
    "a linear model cannot curve": "un modelo lineal no puede curvarse",
    "hidden units": "unidades ocultas",
}


def lang() -> str:
    """'es' when ``NEURONA_LANG`` starts with 'es' (es, es_ES.UTF-8 …), else 'en'.

    Example:
        >>> import os; os.environ.pop("NEURONA_LANG", None) and None
        >>> lang()
        'en'
    """
    return "es" if os.environ.get("NEURONA_LANG", "").lower().startswith("es") else "en"


def text(english: str, **fields: object) -> str:
    """``english`` in the current language, with ``{fields}`` filled in.

    Example:
        >>> import os; os.environ["NEURONA_LANG"] = "es"
        >>> text("epoch"), text("loss"), text("a sentence not in the catalogue")
        ('época', 'pérdida', 'a sentence not in the catalogue')
        >>> del os.environ["NEURONA_LANG"]; text("epoch")
        'epoch'
    """
    template = _ES.get(english, english) if lang() == "es" else english
    return template.format(**fields) if fields else template
