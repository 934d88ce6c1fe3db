"""The Keras guide "Making new layers and models via subclassing"
(keras.io/guides/making_new_layers_and_models_via_subclassing), run with the import changed:
``import neurona as keras; from neurona import layers, ops``. Only the imports and the data
sizes differ (MNIST is replaced by random arrays, marked)."""

from __future__ import annotations

import numpy as np

import neurona as keras
from neurona import layers, ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(
            shape=(input_dim, units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


def test_a_layer_holds_weights_made_with_add_weight():
    x = ops.ones((2, 2))
    linear_layer = Linear(4, 2)
    y = linear_layer(x)
    print(y)
    assert y.shape == (2, 4)
    assert linear_layer.weights == [linear_layer.w, linear_layer.b]


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


def test_a_non_trainable_weight_accumulates_across_calls():
    x = ops.ones((2, 2))
    my_sum = ComputeSum(2)
    y = my_sum(x)
    print(y.numpy())
    y = my_sum(x)
    print(y.numpy())
    np.testing.assert_array_equal(y.numpy(), [4.0, 4.0])

    print("weights:", len(my_sum.weights))
    print("non-trainable weights:", len(my_sum.non_trainable_weights))
    # It's not included in the trainable weights:
    print("trainable_weights:", my_sum.trainable_weights)
    assert len(my_sum.weights) == 1 and my_sum.trainable_weights == []


class LazyLinear(keras.layers.Layer):  # the guide's second `Linear`, weights made in build()
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = LazyLinear(32)
        self.linear_2 = LazyLinear(32)
        self.linear_3 = LazyLinear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = keras.activations.relu(x)
        x = self.linear_2(x)
        x = keras.activations.relu(x)
        return self.linear_3(x)


def test_layers_build_lazily_and_track_their_sublayers():
    x = ops.ones((2, 2))
    # At instantiation, we don't know on what inputs this is going to get called
    linear_layer = LazyLinear(32)
    # The layer's weights are created dynamically the first time the layer is called
    y = linear_layer(x)
    assert y.shape == (2, 32)

    mlp = MLPBlock()
    y = mlp(ops.ones(shape=(3, 64)))  # The first call to the `mlp` will create the weights
    print("weights:", len(mlp.weights))
    print("trainable weights:", len(mlp.trainable_weights))
    assert len(mlp.weights) == 6 and len(mlp.trainable_weights) == 6


class MyDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        # Use seed_generator for managing RNG state.
        # It is a state element and its seed variable is
        # tracked as part of `layer.variables`.
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        # Use `keras.random` for random ops.
        return keras.random.dropout(inputs, self.rate, seed=self.seed_generator)


def test_a_backend_agnostic_dropout_layer_uses_a_seed_generator():
    layer = MyDropout(0.5)
    out = layer(ops.ones((4, 8))).numpy()
    assert set(np.unique(out)) <= {0.0, 2.0}


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.activity_reg = ActivityRegularizationLayer(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


class OuterLayerWithKernelRegularizer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

    def call(self, inputs):
        return self.dense(inputs)


def test_add_loss_terms_reset_at_each_call_and_train_with_or_without_a_compiled_loss():
    layer = OuterLayer()
    assert len(layer.losses) == 0  # No losses yet since the layer has never been called

    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1  # We created one loss value

    # `layer.losses` gets reset at the start of each __call__
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1  # This is the loss created during the call above

    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)

    # If there is a loss passed in `compile`, the regularization
    # losses get added to it
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.random.random((2, 3)), np.random.random((2, 3)))

    # It's also possible not to pass any loss in `compile`,
    # since the model already has a loss to minimize, via the `add_loss`
    # call during the forward pass!
    model.compile(optimizer="adam")
    model.fit(np.random.random((2, 3)), np.random.random((2, 3)))


def test_a_kernel_regularizer_of_a_sublayer_shows_in_losses():
    layer = OuterLayerWithKernelRegularizer()
    _ = layer(ops.zeros((1, 1)))

    # This is `1e-3 * sum(layer.dense.kernel ** 2)`,
    # created by the `kernel_regularizer` above.
    print(layer.losses)
    assert len(layer.losses) == 1


class SerializableLinear(keras.layers.Layer):  # the guide's `Linear` with get_config
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def test_a_layer_with_get_config_is_rebuilt_by_from_config():
    layer = SerializableLinear(64)
    config = layer.get_config()
    print(config)
    new_layer = SerializableLinear.from_config(config)
    assert new_layer.units == 64 and config["units"] == 64


class CustomDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs, training=None):
        if training:
            return keras.random.dropout(inputs, rate=self.rate, seed=self.seed_generator)
        return inputs


def test_the_training_argument_switches_dropout_on():
    layer = CustomDropout(0.5)
    x = ops.ones((4, 8))
    np.testing.assert_array_equal(layer(x).numpy(), x.numpy())
    assert (layer(x, training=True).numpy() == 0).any()


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class Encoder(layers.Layer):
    """Maps MNIST digits to a triplet (z_mean, z_log_var, z)."""

    def __init__(self, latent_dim=32, intermediate_dim=64, name="encoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean = layers.Dense(latent_dim)
        self.dense_log_var = layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean = self.dense_mean(x)
        z_log_var = self.dense_log_var(x)
        z = self.sampling((z_mean, z_log_var))
        return z_mean, z_log_var, z


class Decoder(layers.Layer):
    """Converts z, the encoded digit vector, back into a readable digit."""

    def __init__(self, original_dim, intermediate_dim=64, name="decoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_output(x)


class VariationalAutoEncoder(keras.Model):
    """Combines the encoder and decoder into an end-to-end model for training."""

    def __init__(
        self,
        original_dim,
        intermediate_dim=64,
        latent_dim=32,
        name="autoencoder",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        # Add KL divergence regularization loss.
        kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
        self.add_loss(kl_loss)
        return reconstructed


def test_the_variational_autoencoder_trains_on_reconstruction_plus_kl():
    # replaces (x_train, _), _ = keras.datasets.mnist.load_data(): 48 random "digits"
    x_train = np.random.default_rng(0).integers(0, 256, size=(48, 28, 28))
    x_train = x_train.reshape(48, 784).astype("float32") / 255

    original_dim = 784
    vae = VariationalAutoEncoder(784, 64, 32)

    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    vae.compile(optimizer, loss=keras.losses.MeanSquaredError())

    history = vae.fit(x_train, x_train, epochs=2, batch_size=16)
    assert vae.predict(x_train[:2], verbose=0).shape == (2, original_dim)
    assert len(vae.trainable_weights) == 10 and len(vae.losses) == 1
    assert history.history["loss"][1] < history.history["loss"][0]


def test_the_variational_autoencoder_loss_matches_keras_on_the_same_weights(guide_oracle):
    # the sampling noise differs between libraries; with the encoder's log-variance weights and
    # biases at -40 the noise term exp(0.5 z_log_var) ε vanishes (e^-20 ≈ 2e-9) and both
    # libraries compute the same reconstruction and KL terms
    rng = np.random.default_rng(0)
    x = rng.random((16, 20)).astype("float32")
    ours = VariationalAutoEncoder(20, 8, 4)
    ours(x[:1])
    weights = ours.get_weights()
    for i, w in enumerate(weights):
        if w.shape in ((8, 4), (4,)) and i in (4, 5):  # dense_log_var's kernel and bias
            weights[i] = np.full_like(w, -40.0 / 8 if w.ndim == 2 else -40.0)
    ours.set_weights(weights)

    k = guide_oracle.keras
    ns = guide_oracle.keras_versions(Sampling, Encoder, Decoder, VariationalAutoEncoder)
    theirs = ns["VariationalAutoEncoder"](20, 8, 4)
    theirs(x[:1])
    theirs.set_weights(weights)
    ours.compile(keras.optimizers.SGD(learning_rate=0.1), loss=keras.losses.MeanSquaredError())
    theirs.compile(k.optimizers.SGD(learning_rate=0.1), loss=k.losses.MeanSquaredError())
    guide_oracle.assert_same_epoch(ours, theirs, x, x, rtol=1e-4)
