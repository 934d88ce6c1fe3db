"""The Keras guide "Customizing what happens in fit() with PyTorch"
(keras.io/guides/custom_train_step_in_torch), run with the import changed
(``import neurona as keras; from neurona import layers, ops``) and small data. The PyTorch
gradient block becomes neurona's autodiff, marked where it is: ``loss.backward()`` fills each
weight's ``.grad`` (the guide's ``v.value.grad`` is ``v.grad``), and no ``torch.no_grad()`` is
needed around the optimizer's update (it works on arrays)."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as keras
from neurona import layers, ops

_COMPILED_METRICS_UNBUILT = (
    "compiled metrics are never built in a custom step: the guide's "
    "metric.update_state(y, y_pred) on self.metrics' CompileMetrics does nothing "
    "(neurona/models/compile_utils.py CompileMetrics.update_state -> update_lists iterates "
    "self.metrics, still None, as build() runs only in Trainer._update_metrics), so result() "
    "is {} and the logs lack 'mae'; Keras's CompileMetrics.update_state builds itself on its "
    "first call"
)


class CustomModel(keras.Model):
    def train_step(self, data):
        # Unpack the data. Its structure depends on your model and
        # on what you pass to `fit()`.
        x, y = data

        # Call torch.nn.Module.zero_grad() to clear the leftover gradients
        # for the weights from the previous train step.
        self.zero_grad()

        # Compute loss
        y_pred = self(x, training=True)  # Forward pass
        loss = self.compute_loss(y=y, y_pred=y_pred)

        # Call torch.Tensor.backward() on the loss to compute gradients
        # for the weights.
        loss.backward()

        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.grad for v in trainable_weights]  # neurona: v.grad (torch: v.value.grad)

        # Update weights (torch: inside `with torch.no_grad():`)
        self.optimizer.apply(gradients, trainable_weights)

        # Update metrics (includes the metric that tracks the loss)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)

        # Return a dict mapping metric names to current value
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}


def _first_custom_model(keras, model_class):
    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = model_class(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


@pytest.mark.xfail(
    reason=_COMPILED_METRICS_UNBUILT,
    strict=True,
)
def test_a_custom_train_step_with_compute_loss_and_self_metrics_trains():
    model = _first_custom_model(keras, CustomModel)

    # Just use `fit` as usual (the guide: 1000 samples, 3 epochs)
    x = np.random.random((48, 32))
    y = np.random.random((48, 1))
    history = model.fit(x, y, epochs=2)
    assert {"loss", "mae"} <= set(history.history)


@pytest.mark.xfail(
    reason=_COMPILED_METRICS_UNBUILT,
    strict=True,
)
def test_a_custom_train_step_gives_the_loss_and_mae_of_keras_builtin_step(guide_oracle):
    # Keras's built-in step on the same weights, with SGD (the guide's step, but Keras's own
    # train_step: its TF/JAX/torch gradient code is backend specific)
    rng = np.random.default_rng(0)
    x, y = rng.random((24, 32)).astype("float32"), rng.random((24, 1)).astype("float32")
    ours = _first_custom_model(keras, CustomModel)
    theirs = _first_custom_model(guide_oracle.keras, guide_oracle.keras.Model)
    guide_oracle.copy_weights(ours, theirs)
    for model, k in ((ours, keras), (theirs, guide_oracle.keras)):
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])
    guide_oracle.assert_same_epoch(ours, theirs, x, y, keys=("loss", "mae"))


class LowLevelModel(keras.Model):  # the guide's second `CustomModel`: its own metrics
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data

        # Call torch.nn.Module.zero_grad() to clear the leftover gradients
        # for the weights from the previous train step.
        self.zero_grad()

        # Compute loss
        y_pred = self(x, training=True)  # Forward pass
        loss = self.loss_fn(y, y_pred)

        # Call torch.Tensor.backward() on the loss to compute gradients
        # for the weights.
        loss.backward()

        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.grad for v in trainable_weights]  # neurona: v.grad (torch: v.value.grad)

        # Update weights (torch: inside `with torch.no_grad():`)
        self.optimizer.apply(gradients, trainable_weights)

        # Compute our own metrics
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {
            "loss": self.loss_tracker.result(),
            "mae": self.mae_metric.result(),
        }

    @property
    def metrics(self):
        # We list our `Metric` objects here so that `reset_states()` can be
        # called automatically at the start of each epoch
        # or at the start of `evaluate()`.
        return [self.loss_tracker, self.mae_metric]


def test_a_lower_level_train_step_with_its_own_loss_and_metrics_trains():
    # Construct an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = LowLevelModel(inputs, outputs)

    # We don't pass a loss or metrics here.
    model.compile(optimizer="adam")

    # Just use `fit` as usual -- you can use callbacks, etc.
    x = np.random.random((48, 32))
    y = np.random.random((48, 1))
    history = model.fit(x, y, epochs=2)
    assert sorted(history.history) == ["loss", "mae"]


class WeightedModel(keras.Model):  # the guide's `CustomModel` supporting sample_weight
    def train_step(self, data):
        # Unpack the data. Its structure depends on your model and
        # on what you pass to `fit()`.
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data

        # Call torch.nn.Module.zero_grad() to clear the leftover gradients
        # for the weights from the previous train step.
        self.zero_grad()

        # Compute loss
        y_pred = self(x, training=True)  # Forward pass
        loss = self.compute_loss(
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
        )

        # Call torch.Tensor.backward() on the loss to compute gradients
        # for the weights.
        loss.backward()

        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.grad for v in trainable_weights]  # neurona: v.grad (torch: v.value.grad)

        # Update weights (torch: inside `with torch.no_grad():`)
        self.optimizer.apply(gradients, trainable_weights)

        # Update metrics (includes the metric that tracks the loss)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)

        # Return a dict mapping metric names to current value
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}


@pytest.mark.xfail(
    reason=_COMPILED_METRICS_UNBUILT,
    strict=True,
)
def test_a_custom_train_step_passes_sample_weight_to_compute_loss():
    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = WeightedModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # You can now use sample_weight argument
    x = np.random.random((48, 32))
    y = np.random.random((48, 1))
    sw = np.random.random((48, 1))
    history = model.fit(x, y, sample_weight=sw, epochs=2)
    assert {"loss", "mae"} <= set(history.history)


class EvaluatedModel(keras.Model):  # the guide's `CustomModel` with its own test_step
    def test_step(self, data):
        # Unpack the data
        x, y = data
        # Compute predictions
        y_pred = self(x, training=False)
        # Updates the metrics tracking the loss
        loss = self.compute_loss(y=y, y_pred=y_pred)
        # Update the metrics.
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        # Return a dict mapping metric names to current value.
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}


@pytest.mark.xfail(
    reason=_COMPILED_METRICS_UNBUILT,
    strict=True,
)
def test_a_custom_test_step_drives_evaluate(guide_oracle):
    def build(keras, model_class):
        # Construct an instance of CustomModel
        inputs = keras.Input(shape=(32,))
        outputs = keras.layers.Dense(1)(inputs)
        model = model_class(inputs, outputs)
        model.compile(loss="mse", metrics=["mae"])
        return model

    # Evaluate with our custom test_step
    x = np.random.default_rng(0).random((48, 32)).astype("float32")
    y = np.random.default_rng(1).random((48, 1)).astype("float32")
    model = build(keras, EvaluatedModel)
    # Keras's built-in test_step on the same weights (the guide's is written for torch's
    # test_step(data); JAX's is test_step(state, data)); one batch, so that the guide's
    # unweighted mean over batches equals Keras's mean over samples
    theirs = build(guide_oracle.keras, guide_oracle.keras.Model)
    guide_oracle.copy_weights(model, theirs)
    ours = model.evaluate(x, y, batch_size=48, return_dict=True)
    expected = theirs.evaluate(x, y, batch_size=48, return_dict=True, verbose=0)
    assert set(ours) == set(expected)
    for key in expected:
        np.testing.assert_allclose(ours[key], expected[key], rtol=1e-5, err_msg=key)


def _gan_parts():
    # Create the discriminator
    discriminator = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )

    # Create the generator
    latent_dim = 128
    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            # We want to generate 128 coefficients to reshape into a 7x7x128 map
            layers.Dense(7 * 7 * 128),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
        ],
        name="generator",
    )
    return discriminator, generator, latent_dim


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.built = True

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        # (torch: `device = "cuda" if torch.cuda.is_available() else "cpu"`; neurona: none)
        if isinstance(real_images, tuple) or isinstance(real_images, list):
            real_images = real_images[0]
        # Sample random points in the latent space
        batch_size = real_images.shape[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )

        # Decode them to fake images
        generated_images = self.generator(random_latent_vectors)

        # Combine them with real images (torch.tensor / torch.concat → keras.ops)
        real_images = ops.convert_to_tensor(real_images)
        combined_images = ops.concatenate([generated_images, real_images], axis=0)

        # Assemble labels discriminating real from fake images (torch.ones → ops.ones)
        labels = ops.concatenate(
            [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))],
            axis=0,
        )
        # Add random noise to the labels - important trick!
        labels += 0.05 * keras.random.uniform(labels.shape, seed=self.seed_generator)

        # Train the discriminator
        self.zero_grad()
        predictions = self.discriminator(combined_images)
        d_loss = self.loss_fn(labels, predictions)
        d_loss.backward()
        grads = [v.grad for v in self.discriminator.trainable_weights]  # torch: v.value.grad
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        # Sample random points in the latent space
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )

        # Assemble labels that say "all real images" (torch.zeros → ops.zeros)
        misleading_labels = ops.zeros((batch_size, 1))

        # Train the generator (note that we should *not* update the weights
        # of the discriminator)!
        self.zero_grad()
        predictions = self.discriminator(self.generator(random_latent_vectors))
        g_loss = self.loss_fn(misleading_labels, predictions)
        grads = g_loss.backward()
        grads = [v.grad for v in self.generator.trainable_weights]  # torch: v.value.grad

        # Update weights
        self.g_optimizer.apply(grads, self.generator.trainable_weights)

        # Update metrics
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {
            "d_loss": self.d_loss_tracker.result(),
            "g_loss": self.g_loss_tracker.result(),
        }


@pytest.mark.xfail(
    reason="layers.Conv2DTranspose is missing: AttributeError on module neurona.layers "
    "while building the guide's generator (neurona/layers/__init__.py); Keras has "
    "layers.Conv2DTranspose(filters, kernel_size, strides, padding)",
    strict=True,
)
def test_a_gan_trains_two_models_with_two_optimizers_in_one_train_step():
    discriminator, generator, latent_dim = _gan_parts()
    # Prepare the dataset. We use both the training & test MNIST digits.
    # (replaces keras.datasets.mnist.load_data() and the torch DataLoader: 32 random images,
    # batches of 16 through fit)
    all_digits = np.random.default_rng(0).integers(0, 256, size=(32, 28, 28))
    all_digits = all_digits.astype("float32") / 255.0
    all_digits = np.reshape(all_digits, (-1, 28, 28, 1))

    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )

    history = gan.fit(all_digits, epochs=1, batch_size=16)
    assert sorted(history.history) == ["d_loss", "g_loss"]
