using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Decides the pod template's opt-in from the workload's own annotation: annotating a Deployment by itself
/// changes no pod, so a <c>"true"</c> on the workload is copied into the template (which rolls out injected
/// pods) and a <c>"false"</c> removes it. When the workload says either, it is the later and more explicit
/// intent, so it wins over whatever the template holds; when it says nothing, the template is left alone.
/// </summary>
public static class TemplateOptIn
{
    public static TemplateOptInResult Apply(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var workloadAnnotations = workload.Metadata.Annotations;
        var workloadValue = OptIn.Read(workloadAnnotations);
        if (workloadValue == OptInValue.Invalid)
        {
            return TemplateOptInResult.Denied(OptIn.InvalidMessage(workloadAnnotations![Annotations.Enabled], workload.Description));
        }

        var templateMeta = workload.Template.Metadata;
        var templateValue = OptIn.Read(templateMeta?.Annotations);
        switch (workloadValue)
        {
            case OptInValue.True when templateValue != OptInValue.True:
                workload.Template.Metadata ??= new k8s.Models.V1ObjectMeta();
                workload.Template.Metadata.Annotations ??= new Dictionary<string, string>();
                workload.Template.Metadata.Annotations[Annotations.Enabled] = "true";
                return new TemplateOptInResult(true, Notice:
                    $"single-active: copied the annotation {Annotations.Enabled}=\"true\" from {workload.Description} into its pod template, " +
                    "so its pods are replaced by ones with the elector sidecar (a rollout).");

            case OptInValue.False when templateValue != OptInValue.Absent:
                templateMeta!.Annotations!.Remove(Annotations.Enabled);
                return new TemplateOptInResult(false, Notice:
                    $"single-active: removed the annotation {Annotations.Enabled} from the pod template of {workload.Description} because the workload says \"false\"; " +
                    "its pods are replaced by ones without the elector (a rollout). The rollout strategy is left as it is.");

            case OptInValue.True:
                return new TemplateOptInResult(true);

            case OptInValue.False:
                return new TemplateOptInResult(false);
        }

        return templateValue switch
        {
            OptInValue.Invalid => TemplateOptInResult.Denied(OptIn.InvalidMessage(templateMeta!.Annotations![Annotations.Enabled], workload.TemplateDescription)),
            OptInValue.True => new TemplateOptInResult(true),
            _ => new TemplateOptInResult(false),
        };
    }
}
