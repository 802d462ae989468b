using System.Text.Json.Nodes;

namespace SingleActive.Webhook.Tests.Robustness;

/// <summary>
/// Random but valid opted-in pods (the API server accepts every one of them as written): 1-4 app
/// containers with ports (sometimes on the elector's default port), env, probes and mounts,
/// optional init containers, volumes, owners, ServiceAccounts and valid per-pod overrides. Plain
/// JSON, no typed model, so the e2e project can compile this file too and send the same pods to a
/// real API server. Pod <c>i</c> depends only on (seed, i).
/// </summary>
public static class PodGenerator
{
    /// <summary>Custom ServiceAccounts a generated pod may name; a namespace for server-side checks must hold them.</summary>
    public static readonly string[] CustomServiceAccounts = ["app-runner", "billing-sa"];

    private static readonly string[] Images = ["nginx:1.27", "registry.example/app:1.2.3", "busybox", "ghcr.io/acme/worker@sha256:" + new string('a', 64)];

    public static JsonObject Generate(int seed, int index)
    {
        var random = new Random(HashCode.Combine(seed, index, 7));
        var name = $"prop-{index}-{random.Next(1000)}";
        var usedPorts = new HashSet<int>();
        var containers = new JsonArray();
        var volumes = new JsonArray();
        var volumeNames = new List<string>();
        for (var v = random.Next(0, 3); v > 0; v--)
        {
            var volume = $"vol-{volumes.Count}";
            volumeNames.Add(volume);
            volumes.Add(random.Next(2) == 0
                ? new JsonObject { ["name"] = volume, ["emptyDir"] = new JsonObject() }
                : new JsonObject { ["name"] = volume, ["configMap"] = new JsonObject { ["name"] = "cm-" + volume } });
        }

        var count = random.Next(1, 5);
        for (var c = 0; c < count; c++)
        {
            containers.Add(Container(random, $"c{c}-{Word(random)}", usedPorts, volumeNames, withProbes: true));
        }

        var spec = new JsonObject { ["containers"] = containers };
        if (volumes.Count > 0)
        {
            spec["volumes"] = volumes;
        }

        if (random.Next(3) == 0)
        {
            spec["initContainers"] = new JsonArray(Container(random, "init-" + Word(random), usedPorts, volumeNames, withProbes: false));
        }

        switch (random.Next(4))
        {
            case 0: spec["serviceAccountName"] = "default"; break;
            case 1: spec["serviceAccountName"] = CustomServiceAccounts[random.Next(CustomServiceAccounts.Length)]; break;
        }

        if (random.Next(3) == 0)
        {
            spec["automountServiceAccountToken"] = random.Next(2) == 0;
        }

        if (random.Next(4) == 0)
        {
            spec["securityContext"] = new JsonObject { ["runAsNonRoot"] = true, ["runAsUser"] = 1000 + random.Next(1000) };
        }

        if (random.Next(4) == 0)
        {
            spec["terminationGracePeriodSeconds"] = random.Next(0, 120);
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = Metadata(random, name),
            ["spec"] = spec,
        };
    }

    private static JsonObject Metadata(Random random, string name)
    {
        string[] optIn = ["true", "True", "TRUE"];
        var annotations = new JsonObject { ["single-active"] = optIn[random.Next(optIn.Length)] };
        if (random.Next(3) == 0)
        {
            annotations["example.com/note"] = "generated " + random.Next();
        }

        if (random.Next(5) == 0)
        {
            annotations["single-active.io/lease-name"] = "lease-" + Word(random);
        }

        if (random.Next(6) == 0)
        {
            // Valid timings: 12s + 1s x 1 + 1s < 20s keeps the safety bound.
            annotations["single-active.io/lease-duration"] = "20s";
            annotations["single-active.io/renew-deadline"] = "12s";
            annotations["single-active.io/retry-period"] = "3s";
        }

        var metadata = new JsonObject
        {
            ["labels"] = new JsonObject { ["app"] = "prop-" + Word(random), ["tier"] = random.Next(2) == 0 ? "web" : "worker" },
            ["annotations"] = annotations,
        };
        switch (random.Next(3))
        {
            case 0:
                metadata["name"] = name;
                break;
            case 1:
                var hash = random.Next(0x10000000, int.MaxValue).ToString("x", System.Globalization.CultureInfo.InvariantCulture)[..7];
                metadata["generateName"] = $"{name}-{hash}-";
                metadata["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "ReplicaSet",
                    ["name"] = $"{name}-{hash}",
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                });
                ((JsonObject)metadata["labels"]!)["pod-template-hash"] = hash;
                break;
            default:
                metadata["name"] = name + "-0";
                metadata["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "StatefulSet",
                    ["name"] = name,
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                });
                break;
        }

        return metadata;
    }

    private static JsonObject Container(Random random, string name, HashSet<int> usedPorts, List<string> volumes, bool withProbes)
    {
        var container = new JsonObject { ["name"] = name, ["image"] = Images[random.Next(Images.Length)] };
        var ports = new JsonArray();
        for (var p = random.Next(0, 3); p > 0; p--)
        {
            // The elector's default port (8099) and its neighbours come up often on purpose.
            var port = random.Next(3) == 0 ? 8099 + random.Next(0, 3) : random.Next(1, 65536);
            if (!usedPorts.Add(port))
            {
                continue;
            }

            var entry = new JsonObject { ["containerPort"] = port };
            if (random.Next(2) == 0)
            {
                entry["name"] = $"p{port}";
            }

            if (random.Next(5) == 0)
            {
                entry["protocol"] = "UDP";
            }

            ports.Add(entry);
        }

        if (ports.Count > 0)
        {
            container["ports"] = ports;
        }

        if (random.Next(2) == 0)
        {
            container["env"] = new JsonArray(
                new JsonObject { ["name"] = "MODE", ["value"] = "prod" },
                new JsonObject { ["name"] = "MY_POD", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.name" } } });
        }

        if (random.Next(2) == 0)
        {
            container["resources"] = new JsonObject
            {
                ["requests"] = new JsonObject { ["cpu"] = $"{random.Next(10, 500)}m", ["memory"] = $"{random.Next(16, 256)}Mi" },
                ["limits"] = new JsonObject { ["memory"] = "512Mi" },
            };
        }

        if (volumes.Count > 0 && random.Next(2) == 0)
        {
            container["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = volumes[random.Next(volumes.Count)], ["mountPath"] = "/data/" + Word(random) });
        }

        if (withProbes && random.Next(2) == 0)
        {
            var tcp = ports.OfType<JsonObject>().FirstOrDefault(p => p["protocol"] is null);
            container["readinessProbe"] = tcp is not null && random.Next(2) == 0
                ? new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/ready", ["port"] = tcp["containerPort"]!.GetValue<int>() }, ["periodSeconds"] = random.Next(1, 10) }
                : new JsonObject { ["exec"] = new JsonObject { ["command"] = new JsonArray("true") } };
        }

        if (withProbes && random.Next(3) == 0)
        {
            container["livenessProbe"] = new JsonObject { ["exec"] = new JsonObject { ["command"] = new JsonArray("true") }, ["initialDelaySeconds"] = 5 };
        }

        return container;
    }

    private static string Word(Random random)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz";
        return string.Concat(Enumerable.Range(0, random.Next(3, 8)).Select(_ => Letters[random.Next(Letters.Length)]));
    }
}
