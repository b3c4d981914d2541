"""The customer's pinned workflow moves to reminders (PinnedWorkflow), and payment
instructions to the tenant: no foreign key points up from receivables, and the portal
(collections) reads the instructions without reaching into reminders."""

import django.db.models.deletion
from django.db import migrations, models


def pins_forward(apps, schema_editor):
    Customer = apps.get_model("receivables", "Customer")
    PinnedWorkflow = apps.get_model("reminders", "PinnedWorkflow")
    PinnedWorkflow.objects.bulk_create(
        PinnedWorkflow(customer_id=pk, tenant_id=tenant_id, workflow_id=workflow_id)
        for pk, tenant_id, workflow_id in Customer.objects.filter(
            workflow__isnull=False
        ).values_list("pk", "tenant_id", "workflow_id")
    )


def pins_backward(apps, schema_editor):
    Customer = apps.get_model("receivables", "Customer")
    PinnedWorkflow = apps.get_model("reminders", "PinnedWorkflow")
    for customer_id, workflow_id in PinnedWorkflow.objects.values_list(
        "customer_id", "workflow_id"
    ):
        Customer.objects.filter(pk=customer_id).update(workflow_id=workflow_id)


def instructions_forward(apps, schema_editor):
    Tenant = apps.get_model("kapittx", "Tenant")
    ReminderSettings = apps.get_model("reminders", "ReminderSettings")
    for tenant_id, text in ReminderSettings.objects.exclude(payment_instructions="").values_list(
        "tenant_id", "payment_instructions"
    ):
        Tenant.objects.filter(pk=tenant_id).update(payment_instructions=text)


def instructions_backward(apps, schema_editor):
    Tenant = apps.get_model("kapittx", "Tenant")
    ReminderSettings = apps.get_model("reminders", "ReminderSettings")
    for tenant_id, text in Tenant.objects.exclude(payment_instructions="").values_list(
        "pk", "payment_instructions"
    ):
        ReminderSettings.objects.filter(tenant_id=tenant_id).update(payment_instructions=text)


class Migration(migrations.Migration):
    dependencies = [
        ("kapittx", "0002_tenant_payment_instructions"),
        ("receivables", "0004_reminder_positions"),
        ("reminders", "0005_min_days_between"),
    ]
    # The pins are copied before receivables drops the customer's own column.
    run_before = [("receivables", "0005_remove_customer_workflow")]

    operations = [
        migrations.CreateModel(
            name="PinnedWorkflow",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="pinned_workflow",
                        serialize=False,
                        to="receivables.customer",
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="kapittx.tenant",
                    ),
                ),
                (
                    "workflow",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pins",
                        to="reminders.workflow",
                    ),
                ),
            ],
            options={
                "ordering": ["customer_id"],
                "indexes": [
                    models.Index(fields=["tenant", "workflow"], name="pinned_workflow_tenant")
                ],
            },
        ),
        migrations.RunPython(pins_forward, pins_backward),
        migrations.RunPython(instructions_forward, instructions_backward),
        migrations.RemoveField(model_name="remindersettings", name="payment_instructions"),
    ]
