"""Floor 2: ``import neurona.functional as F``. Stateless differentiable maths on tensors; every
primitive is a ``Function`` with forward, backward and jvp side by side."""

from neurona.functional._broadcast import unbroadcast  # noqa: F401 - for custom ops
from neurona.functional.activations import *  # noqa: F403
from neurona.functional.comparison import *  # noqa: F403
from neurona.functional.conv import *  # noqa: F403
from neurona.functional.conv_transpose import *  # noqa: F403
from neurona.functional.dropout import *  # noqa: F403
from neurona.functional.elementwise import *  # noqa: F403
from neurona.functional.fused_losses import *  # noqa: F403
from neurona.functional.gru import *  # noqa: F403
from neurona.functional.linalg import *  # noqa: F403
from neurona.functional.losses import *  # noqa: F403
from neurona.functional.lstm import *  # noqa: F403
from neurona.functional.normalization import *  # noqa: F403
from neurona.functional.pooling import *  # noqa: F403
from neurona.functional.reduction import *  # noqa: F403
from neurona.functional.selection import *  # noqa: F403
from neurona.functional.shape import *  # noqa: F403
from neurona.functional.simple_rnn import *  # noqa: F403
from neurona.functional.unary import *  # noqa: F403
from neurona.functional.upsampling import *  # noqa: F403
