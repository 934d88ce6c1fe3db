"""Side: the labs' words in English (the default) or Spanish, in one small catalogue.

``neurona lab NAME --lang es`` (or ``NEURONA_LANG=es``) prints the labs' text and labels their
plots in Spanish. The English text is the key; a missing translation shows the English.
"""

from __future__ import annotations

import os

__all__ = ["lang", "text"]

# fmt: off
_ES = {
    "report folder": "carpeta del informe",
    "note": "nota",
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
    "report": "informe",
    " x1 x2 | target | prediction": " x1 x2 | objetivo | predicción",
    "loss {first:.4f} -> {last:.4f} after {epochs} epochs; XOR solved: {solved}":
        "pérdida {first:.4f} -> {last:.4f} tras {epochs} épocas; XOR resuelto: {solved}",
    "loss {first:.4f} -> {last:.4f}; XOR solved: {solved}":
        "pérdida {first:.4f} -> {last:.4f}; XOR resuelto: {solved}",
    "a 2-8-1 network learns XOR with reverse-mode autodiff":
        "una red 2-8-1 aprende XOR con diferenciación automática en modo inverso",
    "converged": "convergió",
    "NOT converged": "NO convergió",
    "{state} after {epochs} epochs, accuracy {accuracy:.2f}; mistakes per epoch {errors}":
        "{state} tras {epochs} épocas, exactitud {accuracy:.2f}; errores por época {errors}",
    "loss {first:.4f} (epoch 1) -> {last:.4f}": "pérdida {first:.4f} (época 1) -> {last:.4f}",
    "accuracy: train {train:.3f}, test {test:.3f};  test AUC {auc:.3f}":
        "exactitud: entrenamiento {train:.3f}, prueba {test:.3f};  AUC en prueba {auc:.3f}",
    "yes": "sí",
    "NO": "NO",
    "  the truth table of {name}: {answer}": "  la tabla de verdad de {name}: {answer}",
    "both modes agree: {agree}  (by hand: ∂e/∂a = d = 2, ∂e/∂b = d + c = 5)":
        "ambos modos coinciden: {agree}  (a mano: ∂e/∂a = d = 2, ∂e/∂b = d + c = 5)",
    "test accuracy {accuracy:.4f} (loss {loss:.5f}) on {name}; the course reports 0.9758 on "
    "MNIST after 15 epochs":
        "exactitud en prueba {accuracy:.4f} (pérdida {loss:.5f}) en {name}; el curso obtiene "
        "0.9758 en MNIST tras 15 épocas",
    "test accuracy {accuracy:.4f} after {epochs} epochs":
        "exactitud en prueba {accuracy:.4f} tras {epochs} épocas",
    "test accuracy {accuracy:.4f} after {epochs} epochs ({params} weights)":
        "exactitud en prueba {accuracy:.4f} tras {epochs} épocas ({params} pesos)",
    "{name}: {coin} daily close, {windows} training windows of {lookback} days (to {end}), "
    "forecasting {days} days {first} … {last} one step ahead":
        "{name}: cierre diario de {coin}, {windows} ventanas de entrenamiento de {lookback} días "
        "(hasta {end}), pronóstico de {days} días {first} … {last} a un paso",
    "SGD (α = 0.1, batch 8, {steps} steps): slope {slope:.3f}, intercept {intercept:.3f}; "
    "least squares: {ls_slope:.3f}, {ls_intercept:.3f}":
        "SGD (α = 0.1, lote 8, {steps} pasos): pendiente {slope:.3f}, ordenada {intercept:.3f}; "
        "mínimos cuadrados: {ls_slope:.3f}, {ls_intercept:.3f}",
    "{accuracy_label} {accuracy:.4f} (baseline 'always the rest' {baseline:.4f}); precision "
    "{precision:.4f}, recall {recall:.4f}":
        "{accuracy_label} {accuracy:.4f} (referencia 'siempre el resto' {baseline:.4f}); "
        "precisión {precision:.4f}, exhaustividad {recall:.4f}",
    "'{label}' against the rest": "'{label}' contra el resto",
    "slow": "lenta",
    "oscillates": "oscila",
    "verdict": "veredicto",
    "remedy": "remedio",
    "none": "ninguno",
    "early stopping": "parada temprana",
    "inputs": "entradas",
    "steps to 1 %": "pasos hasta el 1 %",
    "initial weights": "pesos iniciales",
    "saturated": "saturadas",
    "distinct units (layer 1)": "unidades distintas (capa 1)",
    "train acc.": "exact. entren.",
    "test acc.": "exact. prueba",
    "test loss": "pérdida en prueba",
    "the same network, the same weights": "la misma red, los mismos pesos",
    "the signal through {depth} layers": "la señal a través de {depth} capas",
    "hidden layer": "capa oculta",
    "std of the tanh activations (before training)":
        "desviación típica de las activaciones tanh (antes de entrenar)",
    "predicted probabilities on the test set, by class":
        "probabilidades predichas en el conjunto de prueba, por clase",
    "the rest": "el resto",
    "images": "imágenes",
    "gradient descent on the MSE": "descenso por gradiente sobre el ECM",
    "ETHICS NOTE": "NOTA ÉTICA",
    "{train} towns for {folds}-fold CV, {test} kept for the test; {n} features ({names}); "
    "price in $1000s":
        "{train} localidades para la validación cruzada de {folds} pliegues, {test} reservadas "
        "para la prueba; {n} características ({names}); precio en miles de $",
    "fold {i}/{folds}: {train} towns to train, {val} to validate":
        "pliegue {i}/{folds}: {train} localidades para entrenar, {val} para validar",
    "validation MAE: epoch 1 {first}, lowest at epoch {best} {lowest}, last {last} k$":
        "EAM de validación: época 1 {first}, mínimo en la época {best} {lowest}, última {last} k$",
    "the same {folds} folds for every model; test = the {n} towns kept aside":
        "los mismos {folds} pliegues para todos los modelos; prueba = las {n} localidades "
        "reservadas",
    "(the network's CV row is its validation error at the epoch chosen on those same folds, "
    "so it is optimistic; the test columns are not)":
        "(la fila de validación cruzada de la red es su error de validación en la época elegida "
        "con esos mismos pliegues, así que es optimista; las columnas de prueba no lo son)",
    "validation MAE ($1000s)": "EAM de validación (miles de $)",
    "Boston house prices: {folds}-fold CV of the Dense network":
        "Precios de viviendas de Boston: validación cruzada de {folds} pliegues de la red densa",
    " (from epoch 11)": " (desde la época 11)",
    "Breast Cancer Coimbra: {n} women ({patients} patients), 9 blood-analysis features "
    "standardised inside each fold; {repeats} × stratified {folds}-fold CV, {models} models, "
    "{fits} fits":
        "Cáncer de mama Coimbra: {n} mujeres ({patients} pacientes), 9 características de "
        "análisis de sangre estandarizadas dentro de cada pliegue; {repeats} × validación "
        "cruzada estratificada de {folds} pliegues, {models} modelos, {fits} ajustes",
    "AUC over {repeats} × {folds}-fold CV":
        "AUC en {repeats} × validación cruzada de {folds} pliegues",
    "confusion-matrix rates, mean (sd); patient = positive":
        "tasas de la matriz de confusión, media (desv. típ.); paciente = positivo",
    "published AUC means": "medias de AUC publicadas",
    "Breast Cancer Coimbra: AUC of {repeats} × {folds}-fold CV":
        "Cáncer de mama Coimbra: AUC de {repeats} × validación cruzada de {folds} pliegues",
}
# fmt: on


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
