"""Mazur's "A Step by Step Backpropagation Example" (2015), computed neuron by neuron.

Prints the whole first update as the hand calculation writes it (every net, out, partial and
new weight, by name), then the total error after 1 and after 10,000 updates.

    python demos/mazur_step_by_step.py
"""

from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur

TITLES = {
    "forward": "Step 1: the forward pass",
    "error": "Step 2: the total error",
    "backward": "Step 3: the backward pass (every gradient, before any update)",
    "update": "Step 4: the update, w+ = w - eta * dE/dw with eta = 0.5",
}


def main():
    net = mazur()
    print(f"Mazur's 2-2-2 network: inputs i1, i2 = {MAZUR_INPUTS}, targets {MAZUR_TARGETS}")
    print("shared biases b1 = 0.35, b2 = 0.60 (not updated), logistic sigmoid, E = sum 1/2 (t - o)^2")
    record = net.train(MAZUR_INPUTS, MAZUR_TARGETS, record=True)
    for phase, title in TITLES.items():
        print(f"\n{title}\n{'-' * len(title)}")
        for event in record.filter(phase=phase):
            print(event)

    print("\nThe long run, under two rules")
    print("-----------------------------")
    print("backprop:  hidden deltas use w5..w8 from before the update (what the post's text says)")
    print("variant:   hidden deltas use w5..w8 after their update (hidden_deltas='updated_weights')")
    sample = [(MAZUR_INPUTS, MAZUR_TARGETS)]
    for label, rules in (("backprop", {}), ("variant", {"hidden_deltas": "updated_weights"})):
        net = mazur(**rules)
        errors = {}
        for step in range(1, 10_001):
            net.train(MAZUR_INPUTS, MAZUR_TARGETS)
            if step in (1, 9_999, 10_000):
                errors[step] = net.total_error(sample)
        o1, o2 = net.feed_forward(MAZUR_INPUTS)
        print(f"{label:9}  E after 1 update: {errors[1]:.9f}   after 9,999: {errors[9_999]:.10f}"
              f"   after 10,000: {errors[10_000]:.10f}   outputs: [{o1:.9f}, {o2:.9f}]")
    print("Mazur prints E after 1 update 0.291027924 and outputs [0.015912196, 0.984065734]:")
    print("  the variant's figures. His E after 10,000 updates, 0.0000351085, is backprop's")
    print("  error after 9,999 updates, the error the 10,000th step sees before its update.")
    print("The seed's Chinese text prints 0.000035085: the variant's error after 10,000 updates,")
    print("  to nine decimals, so every long-run figure of the seed follows the variant.")

if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main)
